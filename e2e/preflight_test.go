package e2e

import (
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// TestPreflightRefusesAPartlyWritableSet applies, as a user who may write
// ConfigMaps but only read Deployments, a set of both: nothing is applied,
// and the error names the missing permission. kubectl would create the
// ConfigMap and fail on the Deployment.
func TestPreflightRefusesAPartlyWritableSet(t *testing.T) {
	ns := testcluster.Namespace(t)
	cfg := roleKubeconfig(t, ns, "deployer",
		[]string{"--verb=get,list,watch,create,patch", "--resource=configmaps"},
		[]string{"--verb=get,list,watch", "--resource=deployments.apps"})
	dir := writeFiles(t, map[string]string{"cm.yaml": configMapYAML("settings"), "web.yaml": webDeployment})
	env := []string{"XDG_CACHE_HOME=" + t.TempDir()}
	r := runEnv(t, env, "", convergeBin, "apply", "--kubeconfig", cfg, "-n", ns, "-f", dir)
	if r.code == 0 || !strings.Contains(r.stderr, "create deployments.apps in "+ns) || !strings.Contains(r.stderr, "nothing was applied") {
		t.Fatalf("apply without create on deployments: exit %d, want a refusal naming the permission\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stderr, "configmaps in") {
		t.Errorf("a permission the user has is listed as missing:\n%s", r.stderr)
	}
	if _, err := testcluster.Clientset(t).CoreV1().ConfigMaps(ns).Get(ctx(t), "settings", getOpts); !apierrors.IsNotFound(err) {
		t.Errorf("configmap created although the set was refused: %v", err)
	}
	k := runEnv(t, nil, "", "kubectl", "apply", "--kubeconfig", cfg, "-n", ns, "-f", dir)
	if k.code == 0 || !strings.Contains(k.stdout, "configmap/settings created") {
		t.Logf("kubectl, for reference: exit %d\n%s%s", k.code, k.stdout, k.stderr)
	}
}
