package e2e

import (
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/google/go-cmp/cmp"
)

const flaskDir = "../examples/flask"

var flaskObjects = []string{
	"configmap/flask-config",
	"deployment.apps/flask",
	"deployment.apps/redis",
	"service/flask",
	"service/redis",
}

func withAction(action string) []string {
	out := make([]string, len(flaskObjects))
	for i, o := range flaskObjects {
		out[i] = o + " " + action
	}
	return out
}

func TestApplyThenKubectlSeesNoChange(t *testing.T) {
	ns := testcluster.Namespace(t)
	r := mustSucceed(t, "converge apply", converge(t, "apply", "-n", ns, "-f", flaskDir))
	if diff := cmp.Diff(withAction("created"), lines(r.stdout)); diff != "" {
		t.Fatalf("first apply output (-want +got):\n%s", diff)
	}
	r = mustSucceed(t, "converge apply again", converge(t, "apply", "-n", ns, "-f", flaskDir))
	if diff := cmp.Diff(withAction("unchanged"), lines(r.stdout)); diff != "" {
		t.Fatalf("second apply output (-want +got):\n%s", diff)
	}
	d := kubectl(t, "diff", "-n", ns, "-f", flaskDir)
	if d.code != 0 {
		t.Fatalf("kubectl diff after converge apply: exit %d, want 0\n%s%s", d.code, d.stdout, d.stderr)
	}
	k := mustSucceed(t, "kubectl apply", kubectl(t, "apply", "-n", ns, "-f", flaskDir))
	if diff := cmp.Diff(withAction("unchanged"), lines(k.stdout)); diff != "" {
		t.Fatalf("kubectl apply after converge apply (-want +got):\n%s", diff)
	}
}

func TestKubectlApplyThenConvergeSeesNoChange(t *testing.T) {
	ns := testcluster.Namespace(t)
	mustSucceed(t, "kubectl apply", kubectl(t, "apply", "-n", ns, "-f", flaskDir))
	r := mustSucceed(t, "converge apply", converge(t, "apply", "-n", ns, "-f", flaskDir))
	if diff := cmp.Diff(withAction("unchanged"), lines(r.stdout)); diff != "" {
		t.Fatalf("converge apply after kubectl apply (-want +got):\n%s", diff)
	}
}

func TestDeploymentGetsReplicaSetAndRolloutHistory(t *testing.T) {
	ns := testcluster.Namespace(t)
	mustSucceed(t, "converge apply", converge(t, "apply", "-n", ns, "-f", flaskDir, "--change-cause", "deploy flask 0.1.0"))
	cs := testcluster.Clientset(t)
	testcluster.Eventually(t, timeout, "a ReplicaSet for deployment/flask", func(c ctxT) (bool, error) {
		rs, err := cs.AppsV1().ReplicaSets(ns).List(c, listBy("run=flask"))
		return err == nil && len(rs.Items) == 1, err
	})
	h := mustSucceed(t, "kubectl rollout history", kubectl(t, "rollout", "history", "-n", ns, "deployment/flask"))
	if !strings.Contains(h.stdout, "deploy flask 0.1.0") {
		t.Fatalf("rollout history does not show the change-cause:\n%s", h.stdout)
	}
}
