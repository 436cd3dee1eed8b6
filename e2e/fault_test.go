package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convergehq/converge/internal/testcluster"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const faultObjects = 2000

// faultSet writes a Namespace and faultObjects ConfigMaps in it.
func faultSet(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fault\n")
	for i := 0; i < faultObjects; i++ {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%04d\n  namespace: fault\n  labels: {set: fault}\ndata:\n  index: %q\n", i, fmt.Sprint(i))
	}
	return writeFiles(t, map[string]string{"set.yaml": b.String()})
}

func clientFor(t *testing.T, kubeconfig string) kubernetes.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS, cfg.Burst = -1, -1
	return kubernetes.NewForConfigOrDie(cfg)
}

// countFault counts the set's ConfigMaps in the cluster.
func countFault(t *testing.T, cs kubernetes.Interface) int {
	list, err := cs.CoreV1().ConfigMaps("fault").List(ctx(t), metav1.ListOptions{LabelSelector: "set=fault"})
	if err != nil {
		return -1
	}
	return len(list.Items)
}

// TestApplySurvivesTheControlPlaneDying kills the control plane with
// SIGKILL while 2,000 objects are being applied: converge stops within a
// bounded time with one summary. On the same data dir, a restarted control
// plane and the same apply then leave every object as the manifests say.
func TestApplySurvivesTheControlPlaneDying(t *testing.T) {
	dataDir := t.TempDir()
	lc, err := testcluster.Start(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { lc.Stop() }()
	dir := faultSet(t)
	cs := clientFor(t, lc.Kubeconfig())
	env := append(os.Environ(), "KUBECONFIG="+lc.Kubeconfig(), "XDG_CACHE_HOME="+t.TempDir())
	cmd := exec.Command(convergeBin, "apply", "-f", dir, "--validate=false", "--concurrency", "4")
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(ctx(t), 20*time.Millisecond, timeout, true, func(ctxT) (bool, error) {
		return countFault(t, cs) >= faultObjects/10, nil
	})
	if err != nil {
		t.Fatalf("objects never appeared: %v\n%s", err, errOut.String())
	}
	lc.Kill()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err = <-exited:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("converge still running 30s after the control plane died\n%s", errOut.String())
	}
	t.Logf("converge after the kill: %v\n%s", err, errOut.String())
	checkOutageSummary(t, err, errOut.String())

	lc, err = testcluster.Start(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	r := runEnvAt(t, lc.Kubeconfig(), "apply", "-f", dir, "--validate=false")
	if r.code != 0 {
		t.Fatalf("apply after restart: exit %d\n%s", r.code, r.stderr)
	}
	if n := countFault(t, clientFor(t, lc.Kubeconfig())); n != faultObjects {
		t.Errorf("after restart and apply: %d ConfigMaps, want %d", n, faultObjects)
	}
	r = runEnvAt(t, lc.Kubeconfig(), "apply", "-f", dir, "--validate=false")
	if n := strings.Count(r.stdout, " unchanged\n"); r.code != 0 || n != faultObjects+1 {
		t.Errorf("re-apply: exit %d, %d unchanged, want %d\n%s", r.code, n, faultObjects+1, r.stderr)
	}
}

// checkOutageSummary: a non-zero exit, one summary, and no flood of
// per-object errors or client-go log lines.
func checkOutageSummary(t *testing.T, err error, stderr string) {
	t.Helper()
	if err == nil {
		t.Fatalf("converge exited 0 although the control plane died mid-apply\n%s", stderr)
	}
	for _, want := range []string{"stopped answering at", "object(s) applied", "not sent", "apply again"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("summary lacks %q:\n%s", want, stderr)
		}
	}
	if n := strings.Count(stderr, "\n"); n > 5 {
		t.Errorf("stderr has %d lines, want one summary:\n%s", n, stderr)
	}
}

// runEnvAt runs converge against another cluster's kubeconfig.
func runEnvAt(t *testing.T, kubeconfig string, args ...string) result {
	t.Helper()
	cache := filepath.Join(t.TempDir(), "cache")
	return runEnv(t, []string{"KUBECONFIG=" + kubeconfig, "XDG_CACHE_HOME=" + cache}, "", convergeBin, args...)
}
