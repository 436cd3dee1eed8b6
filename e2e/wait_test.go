package e2e

import (
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
)

const pendingClaim = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: never-bound
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: does-not-exist
  resources:
    requests:
      storage: 1Gi
`

func TestWaitTimesOutNamingTheUnhealthyObject(t *testing.T) {
	ns := testcluster.Namespace(t)
	dir := writeFiles(t, map[string]string{"pvc.yaml": pendingClaim, "cm.yaml": configMapYAML("ready")})
	r := converge(t, "apply", "-n", ns, "-f", dir, "--wait", "--timeout", "3s")
	if r.code == 0 {
		t.Fatalf("apply --wait with a PVC that never binds: exit 0\n%s%s", r.stdout, r.stderr)
	}
	for _, want := range []string{"wait timed out", "persistentvolumeclaim/never-bound", "not Bound"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("apply --wait: stderr lacks %q\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "configmap/ready: ") {
		t.Errorf("the healthy ConfigMap is named as not healthy:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "waiting: 1/2 healthy; persistentvolumeclaim/never-bound") {
		t.Errorf("no progress line naming the slowest object:\n%s", r.stderr)
	}
}

// TestWaitSucceedsForHealthyObjects waits for a Deployment to roll out on
// the control plane's simulated nodes, then checks kubectl agrees.
func TestWaitSucceedsForHealthyObjects(t *testing.T) {
	ns := testcluster.Namespace(t)
	dir := writeFiles(t, map[string]string{"a.yaml": configMapYAML("a"), "web.yaml": webDeployment})
	r := mustSucceed(t, "apply --wait", converge(t, "apply", "-n", ns, "-f", dir, "--wait", "--timeout", "90s"))
	if !strings.Contains(r.stderr, "waiting: 2/2 healthy") {
		t.Errorf("apply --wait: want the final progress line\n%s%s", r.stdout, r.stderr)
	}
	k := mustSucceed(t, "kubectl rollout status", kubectl(t, "rollout", "status", "-n", ns, "deployment/web", "--timeout=5s"))
	if !strings.Contains(k.stdout, "successfully rolled out") {
		t.Errorf("kubectl rollout status after apply --wait: %s", k.stdout)
	}
}
