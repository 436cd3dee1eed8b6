package e2e

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// corpusDir holds manifest forms the API server stores differently from
// how they are written: one directory per entry, with before.yaml and
// after.yaml (one real change).
const corpusDir = "testdata/normalize"

// minCorpus is the least number of entries the corpus must hold.
const minCorpus = 40

// TestNormalizeCorpus checks, for every entry of the corpus: a re-apply of
// unchanged manifests is "unchanged" and sends no write (counted by the API
// server's apiserver_request_total); converge diff and kubectl diff both
// show nothing; then, for a real change, both show it and the object
// converge predicts is the object apply leaves.
func TestNormalizeCorpus(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < minCorpus {
		t.Fatalf("%s holds %d entries, want at least %d", corpusDir, len(entries), minCorpus)
	}
	for _, e := range entries {
		dir := filepath.Join(corpusDir, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			ns := testcluster.Namespace(t)
			before, after := filepath.Join(dir, "before.yaml"), filepath.Join(dir, "after.yaml")
			mustSucceed(t, "converge apply", converge(t, "apply", "-n", ns, "-f", before))
			checkNoOp(t, ns, before)
			checkRealChange(t, ns, after)
		})
	}
}

// checkNoOp re-applies unchanged manifests and checks nothing is written
// and neither diff shows anything.
func checkNoOp(t *testing.T, ns, file string) {
	t.Helper()
	resources := waitSettled(t, ns, file)
	w := countRequests(t, writes(resources...))
	r := mustSucceed(t, "converge re-apply", converge(t, "apply", "-n", ns, "-f", file))
	for _, l := range lines(r.stdout) {
		if !strings.HasSuffix(l, " unchanged") {
			t.Errorf("re-apply of unchanged manifests: %q, want unchanged", l)
		}
	}
	if n := countRequests(t, writes(resources...)) - w; n != 0 {
		t.Errorf("re-apply of unchanged manifests sent %d write request(s) on %v, want 0", n, resources)
	}
	if d := converge(t, "diff", "-n", ns, "-f", file); d.code != 0 {
		t.Errorf("converge diff of unchanged manifests: exit %d, want 0\n%s%s", d.code, d.stdout, d.stderr)
	}
	if k := kubectl(t, "diff", "-n", ns, "-f", file); k.code != 0 {
		t.Errorf("kubectl diff of unchanged manifests: exit %d, want 0\n%s%s", k.code, k.stdout, k.stderr)
	}
}

// checkRealChange checks both diffs name the same changed objects, then
// that the prediction is what apply leaves.
func checkRealChange(t *testing.T, ns, file string) {
	t.Helper()
	k := kubectl(t, "diff", "-n", ns, "-f", file)
	c := converge(t, "diff", "-o", "json", "-n", ns, "-f", file)
	if k.code != 1 || c.code != 1 {
		t.Fatalf("diff of a real change: kubectl exit %d (%s), converge exit %d (%s); want 1 and 1", k.code, k.stderr, c.code, c.stderr)
	}
	if d := cmp.Diff(kubectlChanged(k.stdout), convergeChanged(t, c.stdout)); d != "" {
		t.Errorf("changed objects (-kubectl +converge):\n%s", d)
	}
	checkPrediction(t, ns, false, file)
}

// waitSettled waits until the controllers are done writing to the
// namespace and the objects of file (the namespace's default ServiceAccount
// and root CA ConfigMap exist; workloads have observed their generation;
// Deployments carry their revision), and returns the objects' resources.
func waitSettled(t *testing.T, ns, file string) []string {
	t.Helper()
	clients := clientsFor(t, ns)
	core := testcluster.Clientset(t).CoreV1()
	testcluster.Eventually(t, timeout, "the namespace's default ServiceAccount and kube-root-ca.crt", func(c ctxT) (bool, error) {
		_, errSA := core.ServiceAccounts(ns).Get(c, "default", getOpts)
		_, errCM := core.ConfigMaps(ns).Get(c, "kube-root-ca.crt", getOpts)
		return errSA == nil && errCM == nil, ignoreNotFound(errSA, errCM)
	})
	seen := map[string]bool{}
	for _, o := range load(t, file).Sorted() {
		gvk := o.GroupVersionKind()
		m, err := clients.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			t.Fatal(err)
		}
		seen[m.Resource.Resource] = true
		r := clients.Dynamic.Resource(m.Resource).Namespace(ns)
		if m.Scope.Name() != meta.RESTScopeNameNamespace {
			// The namespace's deletion does not take it.
			r = clients.Dynamic.Resource(m.Resource).Namespace("")
			name := o.GetName()
			t.Cleanup(func() { _ = r.Delete(context.Background(), name, metav1.DeleteOptions{}) })
		}
		testcluster.Eventually(t, timeout, o.GetKind()+"/"+o.GetName()+" settled", func(c ctxT) (bool, error) {
			live, err := r.Get(c, o.GetName(), getOpts)
			return err == nil && settled(live), err
		})
	}
	resources := make([]string, 0, len(seen))
	for r := range seen {
		resources = append(resources, r)
	}
	sort.Strings(resources)
	return resources
}

// settled reports whether the controllers of a workload are done with it.
func settled(live *unstructured.Unstructured) bool {
	gk := live.GroupVersionKind().GroupKind()
	switch gk {
	case schema.GroupKind{Group: "apps", Kind: "Deployment"}, schema.GroupKind{Group: "apps", Kind: "StatefulSet"},
		schema.GroupKind{Group: "apps", Kind: "DaemonSet"}:
		observed, _, _ := unstructured.NestedInt64(live.Object, "status", "observedGeneration")
		if observed < live.GetGeneration() {
			return false
		}
	}
	if gk == (schema.GroupKind{Group: "apps", Kind: "Deployment"}) {
		_, ok := live.GetAnnotations()["deployment.kubernetes.io/revision"]
		return ok
	}
	return true
}

func ignoreNotFound(errs ...error) error {
	for _, err := range errs {
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return nil
}
