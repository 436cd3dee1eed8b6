package diff

import (
	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// crdKind is the kind of CustomResourceDefinitions.
var crdKind = schema.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}

// IsCRD reports whether id is a CustomResourceDefinition.
func IsCRD(id manifests.ObjectID) bool {
	return id.Group == crdKind.Group && id.Kind == crdKind.Kind
}

// definedKinds returns the REST mappings of the kinds the set's
// CustomResourceDefinitions define, one per served version, so that a
// custom resource applied together with its CRD can be planned before the
// cluster serves its kind.
func definedKinds(objs []manifests.Object) map[schema.GroupVersionKind]*meta.RESTMapping {
	out := map[schema.GroupVersionKind]*meta.RESTMapping{}
	for _, o := range objs {
		gvk := o.GroupVersionKind()
		if gvk.GroupKind() != crdKind {
			continue
		}
		group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
		kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
		plural, _, _ := unstructured.NestedString(o.Object, "spec", "names", "plural")
		scopeName, _, _ := unstructured.NestedString(o.Object, "spec", "scope")
		versions, _, _ := unstructured.NestedSlice(o.Object, "spec", "versions")
		scope := meta.RESTScopeRoot
		if scopeName == "Namespaced" {
			scope = meta.RESTScopeNamespace
		}
		for _, v := range versions {
			name, _, _ := unstructured.NestedString(asMap(v), "name")
			gv := schema.GroupVersion{Group: group, Version: name}
			out[gv.WithKind(kind)] = &meta.RESTMapping{Resource: gv.WithResource(plural), GroupVersionKind: gv.WithKind(kind), Scope: scope}
		}
	}
	return out
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// Pending returns the changes of custom resources whose kind is defined by
// a CustomResourceDefinition of the same set and not yet served: they are
// planned as creates, and apply plans them again once the CRD is
// established.
func (cs ChangeSet) Pending() []Change {
	return cs.filter(func(c Change) bool { return c.Pending })
}
