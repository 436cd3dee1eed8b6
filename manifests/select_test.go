package manifests

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
)

func labelled(name string, l map[string]string) Object {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetAPIVersion("v1")
	u.SetKind("ConfigMap")
	u.SetName(name)
	u.SetLabels(l)
	return Object{Unstructured: u, Origin: Origin{File: name + ".yaml", Line: 1}}
}

func TestSelect(t *testing.T) {
	objs := []Object{
		labelled("a", map[string]string{"app": "web", "tier": "front"}),
		labelled("b", map[string]string{"app": "db"}),
		labelled("c", nil),
	}
	var set Set
	for _, o := range objs {
		set.Objects = append(set.Objects, o)
		set.Refs = append(set.Refs, Ref{ID: o.ID(), Origin: o.Origin})
	}
	tests := []struct {
		selector string
		want     []string
	}{
		{"", []string{"a", "b", "c"}},
		{"app=web", []string{"a"}},
		{"app", []string{"a", "b"}},
		{"app!=web", []string{"b", "c"}},
		{"app in (web,db),tier!=back", []string{"a", "b"}},
	}
	for _, tt := range tests {
		sel, err := labels.Parse(tt.selector)
		if err != nil {
			t.Fatal(err)
		}
		got := set.Select(sel)
		var names, refNames []string
		for i, o := range got.Objects {
			names = append(names, o.GetName())
			refNames = append(refNames, got.Refs[i].ID.Name)
		}
		if diff := cmp.Diff(tt.want, names); diff != "" {
			t.Errorf("Select(%q) objects (-want +got):\n%s", tt.selector, diff)
		}
		if diff := cmp.Diff(tt.want, refNames); diff != "" {
			t.Errorf("Select(%q) refs (-want +got):\n%s", tt.selector, diff)
		}
	}
}
