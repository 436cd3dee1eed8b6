package e2e

import (
	"strings"
	"testing"
)

// The dev overlay sets its own namespace; it is created and removed here.
func TestApplyKustomizeOverlayInteropWithKubectl(t *testing.T) {
	const overlay = "../examples/kustomize/overlays/dev"
	t.Cleanup(func() { kubectl(t, "delete", "namespace", "flask-dev", "--wait=false") })
	r := mustSucceed(t, "converge apply -k", converge(t, "apply", "-k", overlay))
	if got := strings.Count(r.stdout, " created"); got != 6 {
		t.Fatalf("want 6 objects created, got %d:\n%s", got, r.stdout)
	}
	if !strings.HasPrefix(r.stdout, "namespace/flask-dev created\n") {
		t.Fatalf("the namespace must be applied first:\n%s", r.stdout)
	}
	if d := kubectl(t, "diff", "-k", overlay); d.code != 0 {
		t.Fatalf("kubectl diff -k after converge apply -k: exit %d\n%s%s", d.code, d.stdout, d.stderr)
	}
	k := mustSucceed(t, "kubectl apply -k", kubectl(t, "apply", "-k", overlay))
	if n := strings.Count(k.stdout, " unchanged"); n != 6 {
		t.Fatalf("kubectl apply -k after converge: want 6 unchanged:\n%s", k.stdout)
	}
	r = mustSucceed(t, "converge apply -k again", converge(t, "apply", "-k", overlay))
	if n := strings.Count(r.stdout, " unchanged"); n != 6 {
		t.Fatalf("second converge apply -k: want 6 unchanged:\n%s", r.stdout)
	}
}
