package applyset

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The labels and annotations of KEP-3659, as kubectl writes them.
const (
	// LabelID is the parent's label holding the set's id.
	LabelID = "applyset.kubernetes.io/id"
	// LabelPartOf is every member's label holding its set's id.
	LabelPartOf = "applyset.kubernetes.io/part-of"
	// AnnotationTooling names the tool managing the set: converge/VERSION.
	AnnotationTooling = "applyset.kubernetes.io/tooling"
	// AnnotationGroupKinds lists the members' group-kinds, sorted, as
	// Kind or Kind.group, joined with commas.
	AnnotationGroupKinds = "applyset.kubernetes.io/contains-group-kinds"
	// AnnotationNamespaces lists the members' namespaces other than the
	// parent's, sorted, joined with commas.
	AnnotationNamespaces = "applyset.kubernetes.io/additional-namespaces"
	// LabelIsParentType marks a CustomResourceDefinition whose objects may
	// be parents.
	LabelIsParentType = "applyset.kubernetes.io/is-parent-type"
	// annotationGroupResources is the deprecated form of
	// AnnotationGroupKinds, read only when that is absent.
	annotationGroupResources = "applyset.kubernetes.io/contains-group-resources"
)

// Tool is the tool name converge writes in the tooling annotation.
const Tool = "converge"

// FieldManager owns the parent's labels and annotations.
const FieldManager = "converge-applyset"

// Parent identifies an ApplySet's parent object.
type Parent struct {
	// Mapping is the parent's resource, kind and scope.
	Mapping *meta.RESTMapping
	// Name is the parent's name.
	Name string
	// Namespace is the parent's namespace, "" for a cluster-scoped parent.
	Namespace string
}

// secrets is the default parent resource.
var secrets = schema.GroupResource{Resource: "secrets"}

// ParseRef reads a --applyset value as kubectl does: NAME (a Secret),
// or RESOURCE[.GROUP]/NAME, such as configmaps/NAME or
// widgets.example.com/NAME. A namespaced parent goes in namespace.
func ParseRef(ref string, mapper meta.RESTMapper, namespace string) (Parent, error) {
	gr, name := secrets, ref
	if left, right, ok := strings.Cut(ref, "/"); ok {
		gr, name = schema.ParseGroupResource(left), right
	}
	if name == "" {
		return Parent{}, fmt.Errorf("invalid --applyset %q: the name is empty; use NAME, configmaps/NAME or KIND.GROUP/NAME", ref)
	}
	gvk, err := mapper.KindFor(gr.WithVersion(""))
	if err != nil {
		return Parent{}, fmt.Errorf("invalid --applyset %q: %w; use NAME, configmaps/NAME or KIND.GROUP/NAME", ref, err)
	}
	mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return Parent{}, fmt.Errorf("invalid --applyset %q: %w", ref, err)
	}
	p := Parent{Mapping: mapping, Name: name}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		if namespace == "" {
			return Parent{}, errors.New("a namespaced ApplySet parent needs a namespace: pass -n NAMESPACE")
		}
		p.Namespace = namespace
	}
	if err := checkBuiltinKind(p); err != nil {
		return Parent{}, fmt.Errorf("invalid --applyset %q: %w", ref, err)
	}
	return p, nil
}

// checkBuiltinKind accepts Secrets, ConfigMaps and custom resources; the
// latter are checked against their CRD by Fetch.
func checkBuiltinKind(p Parent) error {
	gk := p.GroupKind()
	switch {
	case gk.Group == "" && (gk.Kind == "Secret" || gk.Kind == "ConfigMap"):
		return nil
	case isBuiltinGroup(gk.Group):
		return fmt.Errorf("%s cannot be an ApplySet parent: use a Secret (the default), a ConfigMap, or a custom resource whose CRD has the label %s", gk.Kind, LabelIsParentType)
	}
	return nil
}

// isBuiltinGroup reports whether group is served by Kubernetes itself:
// "" or a group without a dot, or one ending in .k8s.io.
func isBuiltinGroup(group string) bool {
	return !strings.Contains(group, ".") || strings.HasSuffix(group, ".k8s.io")
}

// GroupKind returns the parent's kind and group.
func (p Parent) GroupKind() schema.GroupKind {
	return p.Mapping.GroupVersionKind.GroupKind()
}

// ID is the set's id, kubectl's v1 format: "applyset-" and the unpadded
// URL-safe base64 of the SHA-256 of name.namespace.Kind.group, then "-v1".
func (p Parent) ID() string {
	gk := p.GroupKind()
	sum := sha256.Sum256([]byte(strings.Join([]string{p.Name, p.Namespace, gk.Kind, gk.Group}, ".")))
	return "applyset-" + base64.RawURLEncoding.EncodeToString(sum[:]) + "-v1"
}

// String names the parent as kind.group/name, with its namespace.
func (p Parent) String() string {
	s := strings.ToLower(p.GroupKind().String()) + "/" + p.Name
	if p.Namespace != "" {
		s += " in namespace " + p.Namespace
	}
	return s
}
