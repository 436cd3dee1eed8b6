package apply

import (
	"testing"

	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func mapping(group, version, resource, kind string, namespaced bool) *meta.RESTMapping {
	scope := meta.RESTScopeRoot
	if namespaced {
		scope = meta.RESTScopeNamespace
	}
	gv := schema.GroupVersion{Group: group, Version: version}
	return &meta.RESTMapping{Resource: gv.WithResource(resource), GroupVersionKind: gv.WithKind(kind), Scope: scope}
}

func TestPermissions(t *testing.T) {
	deploy := mapping("apps", "v1", "deployments", "Deployment", true)
	cm := mapping("", "v1", "configmaps", "ConfigMap", true)
	ns := mapping("", "v1", "namespaces", "Namespace", false)
	secret := mapping("", "v1", "secrets", "Secret", true)
	cs := diff.ChangeSet{Changes: []diff.Change{
		{ID: manifests.ObjectID{Kind: "Namespace", Name: "shop"}, Mapping: ns, Action: diff.ActionCreate},
		{ID: manifests.ObjectID{Kind: "ConfigMap", Namespace: "shop", Name: "a"}, Mapping: cm, Action: diff.ActionConfigure},
		{ID: manifests.ObjectID{Kind: "ConfigMap", Namespace: "shop", Name: "b"}, Mapping: cm, Action: diff.ActionConfigure},
		{ID: manifests.ObjectID{Kind: "ConfigMap", Namespace: "shop", Name: "c"}, Mapping: cm, Action: diff.ActionUnchanged},
		{ID: manifests.ObjectID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"}, Mapping: deploy, Action: diff.ActionCreate, ServerSide: true},
		{ID: manifests.ObjectID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "old"}, Mapping: deploy, Action: diff.ActionPrune},
	}}
	x := &Executor{set: &setWriter{parent: applyset.Parent{Mapping: secret, Name: "shop", Namespace: "shop"}}}
	var got []string
	for _, p := range x.permissions(cs) {
		got = append(got, p.String())
	}
	want := []string{
		"create deployments.apps in shop", "create namespaces", "create secrets in shop",
		"delete deployments.apps in shop", "patch configmaps in shop", "patch deployments.apps in shop", "patch secrets in shop",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("permissions (-want +got):\n%s", d)
	}
}
