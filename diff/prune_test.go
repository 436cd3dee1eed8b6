package diff

import (
	"strings"
	"testing"

	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func member(group, kind, ns, name string) applyset.Member {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetAPIVersion("v1")
	if group != "" {
		u.SetAPIVersion(group + "/v1")
	}
	u.SetKind(kind)
	u.SetNamespace(ns)
	u.SetName(name)
	return applyset.Member{ID: manifests.ObjectID{Group: group, Kind: kind, Namespace: ns, Name: name}, Object: u}
}

func TestPlanPrune(t *testing.T) {
	cs := ChangeSet{Changes: []Change{
		{ID: manifests.ObjectID{Kind: "ConfigMap", Namespace: "shop", Name: "kept"}, Action: ActionUnchanged},
	}}
	members := []applyset.Member{
		member("", "ConfigMap", "shop", "kept"),
		member("", "Namespace", "", "shop-old"),
		member("", "ConfigMap", "shop", "old"),
		member("apps", "Deployment", "shop", "web"),
		member("example.com", "Widget", "shop", "w"),
		member("apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets.example.com"),
	}
	var got []string
	for _, c := range PlanPrune(cs, members) {
		if c.Action != ActionPrune || c.Live == nil {
			t.Errorf("%s: action %s, live %v", c.ID, c.Action, c.Live)
		}
		got = append(got, c.ID.KindName())
	}
	want := []string{
		"widget.example.com/w", "deployment.apps/web", "configmap/old",
		"customresourcedefinition.apiextensions.k8s.io/widgets.example.com", "namespace/shop-old",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("PlanPrune order (-want +got):\n%s", d)
	}
}

func TestPrunedSecretShowsOnlyKeys(t *testing.T) {
	s := shopSecret("creds", map[string]string{"password": "aHVudGVyMg=="}, nil)
	cs := ChangeSet{Changes: []Change{{ID: idOf(s), Action: ActionPrune, Live: s}}}
	r := NewReport(cs, nil)
	if r.Prune != 1 || !r.HasChanges() || !strings.Contains(r.Summary(), "1 to prune") {
		t.Fatalf("report: %+v, summary %q", r, r.Summary())
	}
	var out strings.Builder
	if err := r.WriteText(&out, false); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, bad := range []string{"aHVudGVyMg", "hunter2", "bytes"} {
		if strings.Contains(text, bad) {
			t.Errorf("pruned Secret shows %q:\n%s", bad, text)
		}
	}
	if !strings.Contains(text, "password: <secret>") || !strings.Contains(text, "+++ /dev/null") {
		t.Errorf("pruned Secret: want its key and /dev/null:\n%s", text)
	}
}
