package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

func configMapYAML(name string, labels ...string) string {
	l := ""
	if len(labels) > 0 {
		l = "\n  labels:\n    " + strings.Join(labels, "\n    ")
	}
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + l + "\ndata:\n  key: " + name + "\n"
}

const webDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {tier: front}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
`

// applySetID returns the id of the Secret parent name in ns, read from the
// parent's label.
func applySetID(t *testing.T, ns, name string) string {
	t.Helper()
	s, err := testcluster.Clientset(t).CoreV1().Secrets(ns).Get(ctx(t), name, getOpts)
	if err != nil {
		t.Fatalf("read applyset parent: %v", err)
	}
	return s.Labels["applyset.kubernetes.io/id"]
}

func TestPruneDeletesOnlyWhatLeftTheSet(t *testing.T) {
	ns := testcluster.Namespace(t)
	dir := writeFiles(t, map[string]string{"a.yaml": configMapYAML("a", "tier: cache"), "b.yaml": configMapYAML("b"), "web.yaml": webDeployment})
	other := writeFiles(t, map[string]string{"x.yaml": configMapYAML("other-x")})
	mustSucceed(t, "apply another set", converge(t, "apply", "-n", ns, "-f", other, "--prune", "--applyset", "other"))
	mustSucceed(t, "kubectl create plain", kubectl(t, "-n", ns, "create", "configmap", "plain"))
	apply := []string{"apply", "-n", ns, "-f", dir, "--prune", "--applyset", "shop"}
	r := mustSucceed(t, "converge apply --prune", converge(t, apply...))
	want := []string{"configmap/a created", "configmap/b created", "deployment.apps/web created"}
	if d := cmp.Diff(want, lines(r.stdout)); d != "" {
		t.Fatalf("first apply (-want +got):\n%s", d)
	}
	checkParent(t, ns, "shop", map[string]string{
		"applyset.kubernetes.io/contains-group-kinds":  "ConfigMap,Deployment.apps",
		"applyset.kubernetes.io/additional-namespaces": "",
	})
	id := applySetID(t, ns, "shop")
	got := mustSucceed(t, "kubectl get all", kubectl(t, "get", "all,configmaps", "-n", ns, "-l", "applyset.kubernetes.io/part-of="+id, "-o", "name"))
	if d := cmp.Diff([]string{"configmap/a", "configmap/b", "deployment.apps/web"}, lines(got.stdout)); d != "" {
		t.Errorf("kubectl get -l part-of (-want +got):\n%s", d)
	}
	checkKubectlKeepsLabel(t, ns, dir, id)

	if err := os.Remove(filepath.Join(dir, "b.yaml")); err != nil {
		t.Fatal(err)
	}
	checkPrunePreview(t, ns, dir, "configmap/b")
	r = mustSucceed(t, "converge apply --prune after removing b", converge(t, apply...))
	want = []string{"configmap/a unchanged", "configmap/b pruned", "deployment.apps/web unchanged"}
	if d := cmp.Diff(want, lines(r.stdout)); d != "" {
		t.Fatalf("apply after removing b.yaml (-want +got):\n%s", d)
	}
	for name, wantThere := range map[string]bool{"b": false, "a": true, "other-x": true, "plain": true} {
		_, err := testcluster.Clientset(t).CoreV1().ConfigMaps(ns).Get(ctx(t), name, getOpts)
		if there := err == nil; there != wantThere || (err != nil && !apierrors.IsNotFound(err)) {
			t.Errorf("configmap %s: exists=%v (err %v), want %v", name, there, err, wantThere)
		}
	}
	before := countRequests(t, writes("configmaps", "deployments", "secrets"))
	r = mustSucceed(t, "no-op re-apply", converge(t, apply...))
	if n := countRequests(t, writes("configmaps", "deployments", "secrets")) - before; n != 0 {
		t.Errorf("no-op re-apply with --prune sent %d writes, want 0\n%s", n, r.stdout)
	}
}

// checkParent checks the Secret parent's labels and annotations.
func checkParent(t *testing.T, ns, name string, want map[string]string) {
	t.Helper()
	s, err := testcluster.Clientset(t).CoreV1().Secrets(ns).Get(ctx(t), name, getOpts)
	if err != nil {
		t.Fatalf("read applyset parent: %v", err)
	}
	for k, v := range want {
		if got, ok := s.Annotations[k]; !ok || got != v {
			t.Errorf("parent annotation %s = %q (present %v), want %q", k, got, ok, v)
		}
	}
	if !strings.HasPrefix(s.Annotations["applyset.kubernetes.io/tooling"], "converge/") {
		t.Errorf("parent tooling = %q, want converge/VERSION", s.Annotations["applyset.kubernetes.io/tooling"])
	}
	if id := s.Labels["applyset.kubernetes.io/id"]; !strings.HasPrefix(id, "applyset-") || !strings.HasSuffix(id, "-v1") || len(id) != 55 {
		t.Errorf("parent id = %q, want applyset-<43 characters>-v1", id)
	}
}

// checkKubectlKeepsLabel: kubectl diff and apply of the same manifests,
// without the applyset, neither show nor remove the part-of label.
func checkKubectlKeepsLabel(t *testing.T, ns, dir, id string) {
	t.Helper()
	if d := kubectl(t, "diff", "-n", ns, "-f", dir); d.code != 0 {
		t.Errorf("kubectl diff after converge apply --applyset: exit %d\n%s%s", d.code, d.stdout, d.stderr)
	}
	mustSucceed(t, "kubectl apply", kubectl(t, "apply", "-n", ns, "-f", dir))
	cm, err := testcluster.Clientset(t).CoreV1().ConfigMaps(ns).Get(ctx(t), "a", getOpts)
	if err != nil || cm.Labels["applyset.kubernetes.io/part-of"] != id {
		t.Errorf("after kubectl apply, part-of = %q (%v), want %q", cm.Labels["applyset.kubernetes.io/part-of"], err, id)
	}
	if strings.Contains(cm.Annotations["kubectl.kubernetes.io/last-applied-configuration"], "applyset") {
		t.Errorf("last-applied holds the applyset label: %s", cm.Annotations["kubectl.kubernetes.io/last-applied-configuration"])
	}
}

// checkPrunePreview: diff --prune shows the pruned object in text and
// JSON, and exits 1.
func checkPrunePreview(t *testing.T, ns, dir, object string) {
	t.Helper()
	d := converge(t, "diff", "-n", ns, "-f", dir, "--prune", "--applyset", "shop")
	if d.code != 1 || !strings.Contains(d.stdout, "(prune): no longer in the manifests") || !strings.Contains(d.stdout, "1 to prune") {
		t.Errorf("diff --prune: exit %d, want 1 with the prune\n%s%s", d.code, d.stdout, d.stderr)
	}
	j := converge(t, "diff", "-n", ns, "-f", dir, "--prune", "--applyset", "shop", "-o", "json")
	var out struct {
		Summary map[string]int
		Changes []struct{ Kind, Name, Action string }
	}
	if err := json.Unmarshal([]byte(j.stdout), &out); err != nil {
		t.Fatalf("diff -o json: %v\n%s", err, j.stdout)
	}
	if out.Summary["prune"] != 1 || len(out.Changes) != 1 || out.Changes[0].Action != "prune" ||
		strings.ToLower(out.Changes[0].Kind)+"/"+out.Changes[0].Name != object {
		t.Errorf("diff -o json: %+v, want one prune of %s", out, object)
	}
}

func TestPruneGuards(t *testing.T) {
	ns := testcluster.Namespace(t)
	extra := ns + "-extra"
	t.Cleanup(func() { kubectl(t, "delete", "namespace", extra, "--wait=false") })
	nsYAML := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + extra + "\n"
	dir := writeFiles(t, map[string]string{"ns.yaml": nsYAML, "a.yaml": configMapYAML("a")})
	apply := []string{"apply", "-n", ns, "-f", dir, "--prune", "--applyset", "guarded"}
	mustSucceed(t, "first apply", converge(t, apply...))

	if err := os.Remove(filepath.Join(dir, "ns.yaml")); err != nil {
		t.Fatal(err)
	}
	r := converge(t, apply...)
	if r.code == 0 || !strings.Contains(r.stderr, "namespace/"+extra) || !strings.Contains(r.stderr, "--prune-allow namespaces") {
		t.Fatalf("prune of a Namespace: exit %d, want a refusal naming it and --prune-allow\n%s%s", r.code, r.stdout, r.stderr)
	}
	if k := kubectl(t, "get", "namespace", extra); k.code != 0 {
		t.Fatalf("refused prune deleted namespace %s", extra)
	}

	empty := t.TempDir()
	emptyApply := []string{"apply", "-n", ns, "-f", empty, "--prune", "--applyset", "guarded"}
	r = converge(t, emptyApply...)
	if r.code == 0 || !strings.Contains(r.stderr, "--prune-allow-empty") {
		t.Fatalf("empty set with --prune: exit %d, want a refusal naming --prune-allow-empty\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = mustSucceed(t, "empty set allowed", converge(t, append(emptyApply, "--prune-allow-empty", "--prune-allow", "namespaces")...))
	want := []string{"configmap/a pruned", "namespace/" + extra + " pruned"}
	if d := cmp.Diff(want, lines(r.stdout)); d != "" {
		t.Errorf("prune with --prune-allow-empty (-want +got):\n%s", d)
	}
}

func TestPruneWithSelector(t *testing.T) {
	ns := testcluster.Namespace(t)
	dir := writeFiles(t, map[string]string{"a.yaml": configMapYAML("a", "tier: cache"), "b.yaml": configMapYAML("b", "tier: db")})
	apply := []string{"apply", "-n", ns, "-f", dir, "--prune", "--applyset", "sel"}
	mustSucceed(t, "apply", converge(t, apply...))
	for _, f := range []string{"a.yaml", "b.yaml"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(configMapYAML("c", "tier: cache")), 0o644); err != nil {
		t.Fatal(err)
	}
	r := mustSucceed(t, "apply -l tier=cache", converge(t, append(apply, "-l", "tier=cache")...))
	if d := cmp.Diff([]string{"configmap/a pruned", "configmap/c created"}, lines(r.stdout)); d != "" {
		t.Errorf("apply -l tier=cache (-want +got):\n%s", d)
	}
	if _, err := testcluster.Clientset(t).CoreV1().ConfigMaps(ns).Get(ctx(t), "b", getOpts); err != nil {
		t.Errorf("configmap b, outside the selector, was pruned: %v", err)
	}
}
