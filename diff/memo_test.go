package diff

import (
	"fmt"
	"github.com/convergehq/converge/internal/kube"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestFileMemo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "verdicts", "cluster")
	key := func(c byte) string { return strings.Repeat(string(c), 64) }

	m, err := OpenFileMemo(path)
	if err != nil {
		t.Fatal(err)
	}
	m.RememberUnchanged(key('a'))
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	// Another run adds its own verdict meanwhile; a save merges both.
	other, err := OpenFileMemo(path)
	if err != nil {
		t.Fatal(err)
	}
	other.RememberUnchanged(key('b'))
	if err := other.Save(); err != nil {
		t.Fatal(err)
	}
	m.RememberUnchanged(key('c'))
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	// Lines that are not verdicts are skipped.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("garbage\nshort 12\n" + key('d') + " notatime\n")
	f.Close()

	got, err := OpenFileMemo(path)
	if err != nil {
		t.Fatal(err)
	}
	var have []bool
	for _, c := range []byte("abcd") {
		have = append(have, got.Unchanged(key(c)))
	}
	if diff := cmp.Diff([]bool{true, true, true, false}, have); diff != "" {
		t.Errorf("verdicts a, b, c, d (-want +got):\n%s", diff)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("memo file mode %o, want 600", perm)
	}
}

func TestOpenFileMemoMissing(t *testing.T) {
	m, err := OpenFileMemo(filepath.Join(t.TempDir(), "none"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 0 {
		t.Errorf("a missing memo file holds %d verdicts, want 0", m.Len())
	}
}

func TestMemoryMemoConcurrent(t *testing.T) {
	m := NewMemoryMemo()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				key := fmt.Sprintf("%d-%d", w, i)
				m.RememberUnchanged(key)
				if !m.Unchanged(key) {
					t.Errorf("key %s not remembered", key)
				}
			}
		})
	}
	wg.Wait()
	if m.Len() != 800 {
		t.Errorf("memo holds %d verdicts, want 800", m.Len())
	}
}

func TestMemoKey(t *testing.T) {
	mapping := &meta.RESTMapping{Resource: schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "statefulsets"}}
	live := func(mutate func(u *unstructured.Unstructured)) *unstructured.Unstructured {
		u := fromYAML(t, `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: shop
  uid: 3f1c2a4e-0000-4000-8000-000000000001
  resourceVersion: "100"
  generation: 2
  labels: {app: db}
  annotations: {note: x}
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: u1, controller: true}]
spec: {replicas: 1}
status: {replicas: 1}
`)
		if mutate != nil {
			mutate(u)
		}
		return u
	}
	key := func(u *unstructured.Unstructured, modified string) string {
		c := Change{ID: manifests.ObjectID{Group: "apps", Kind: "StatefulSet", Namespace: "shop", Name: "db"}, Mapping: mapping, Live: u}
		return memoKey("https://cluster", c, []byte(modified))
	}
	base := key(live(nil), "desired")
	tests := []struct {
		name     string
		live     *unstructured.Unstructured
		modified string
		wantSame bool
	}{
		{name: "a status update keeps the key", live: live(func(u *unstructured.Unstructured) {
			u.SetResourceVersion("101")
			u.Object["status"] = map[string]any{"replicas": int64(0)}
		}), modified: "desired", wantSame: true},
		{name: "the metadata LIST gives the same key", live: func() *unstructured.Unstructured {
			full := live(nil)
			item := &metav1.PartialObjectMetadata{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(full.Object, item); err != nil {
				t.Fatal(err)
			}
			return kube.MetadataObject(full.GroupVersionKind(), item)
		}(), modified: "desired", wantSame: true},
		{name: "another desired object", live: live(nil), modified: "other", wantSame: false},
		{name: "a new generation", live: live(func(u *unstructured.Unstructured) { u.SetGeneration(3) }), modified: "desired", wantSame: false},
		{name: "a label changed", live: live(func(u *unstructured.Unstructured) { u.SetLabels(map[string]string{"app": "x"}) }), modified: "desired", wantSame: false},
		{name: "an annotation changed", live: live(func(u *unstructured.Unstructured) { u.SetAnnotations(nil) }), modified: "desired", wantSame: false},
		{name: "another object of the same name", live: live(func(u *unstructured.Unstructured) { u.SetUID("other") }), modified: "desired", wantSame: false},
		{name: "without generation, the resourceVersion counts", live: live(func(u *unstructured.Unstructured) {
			u.SetGeneration(0)
			u.SetResourceVersion("101")
		}), modified: "desired", wantSame: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := key(tt.live, tt.modified) == base; got != tt.wantSame {
				t.Errorf("same key = %t, want %t", got, tt.wantSame)
			}
		})
	}
}
