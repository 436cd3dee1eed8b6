package apply

import (
	"testing"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
)

func TestWaves(t *testing.T) {
	ids := []manifests.ObjectID{
		{Kind: "Namespace", Name: "a"}, {Kind: "Namespace", Name: "b"},
		{Kind: "ConfigMap", Name: "c"}, {Kind: "Secret", Name: "d"},
		{Group: "apps", Kind: "Deployment", Name: "e"},
		{Group: "example.com", Kind: "Widget", Name: "f"},
	}
	var cs diff.ChangeSet
	for _, id := range ids {
		cs.Changes = append(cs.Changes, diff.Change{ID: id})
	}
	var got [][]string
	for _, w := range waves(cs) {
		var names []string
		for _, c := range w {
			names = append(names, c.ID.Name)
		}
		got = append(got, names)
	}
	want := [][]string{{"a", "b"}, {"c", "d"}, {"e"}, {"f"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("waves (-want +got):\n%s", d)
	}
	if len(waves(diff.ChangeSet{})) != 0 {
		t.Error("waves of an empty set")
	}
}
