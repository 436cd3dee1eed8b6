package diff

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// serverOwned are the fields a diff hides because the server, not the
// manifest, owns them.
var serverOwned = [][]string{
	{"metadata", "managedFields"},
	{"metadata", "resourceVersion"},
	{"metadata", "generation"},
	{"metadata", "uid"},
	{"metadata", "creationTimestamp"},
	{"status"},
}

// IgnoreRule hides one field from a diff, optionally for one kind only.
type IgnoreRule struct {
	// Kind limits the rule to objects of this kind; empty means every kind.
	Kind string
	// Path is the field, as segments.
	Path []string
}

// ParseIgnore reads an --ignore value: a dotted path (spec.replicas), a JSON
// pointer (/spec/replicas), either optionally prefixed by a kind and a colon
// (Deployment:spec.replicas).
func ParseIgnore(s string) (IgnoreRule, error) {
	var r IgnoreRule
	if kind, path, ok := strings.Cut(s, ":"); ok && !strings.HasPrefix(s, "/") {
		r.Kind, s = kind, path
	}
	switch {
	case strings.HasPrefix(s, "/"):
		for _, seg := range strings.Split(s[1:], "/") {
			r.Path = append(r.Path, strings.NewReplacer("~1", "/", "~0", "~").Replace(seg))
		}
	case s != "":
		r.Path = strings.Split(s, ".")
	}
	for _, seg := range r.Path {
		if seg == "" {
			return r, fmt.Errorf("invalid --ignore %q: use a dotted path like spec.replicas, a JSON pointer like /spec/replicas, or Kind:path", s)
		}
	}
	if len(r.Path) == 0 {
		return r, fmt.Errorf("invalid --ignore %q: the path is empty", s)
	}
	return r, nil
}

// Normalize returns a copy of obj with what a diff must not show removed:
// server-owned fields, the last-applied annotation (its changes show as
// changes to the fields themselves), fields matched by ignore rules, and,
// for Secrets, stringData folded into data as the API server does.
func Normalize(obj *unstructured.Unstructured, ignore []IgnoreRule) *unstructured.Unstructured {
	if obj == nil {
		return nil
	}
	c := obj.DeepCopy()
	for _, f := range serverOwned {
		unstructured.RemoveNestedField(c.Object, f...)
	}
	unstructured.RemoveNestedField(c.Object, "metadata", "annotations", LastAppliedAnnotation)
	if isSecret(c) {
		foldStringData(c)
	}
	for _, r := range ignore {
		if r.Kind == "" || strings.EqualFold(r.Kind, c.GetKind()) {
			unstructured.RemoveNestedField(c.Object, r.Path...)
		}
	}
	// An annotations map emptied above is the same as none.
	if a, found, _ := unstructured.NestedMap(c.Object, "metadata", "annotations"); found && len(a) == 0 {
		unstructured.RemoveNestedField(c.Object, "metadata", "annotations")
	}
	return c
}

func isSecret(u *unstructured.Unstructured) bool {
	return u != nil && u.GetKind() == "Secret" && u.GroupVersionKind().Group == ""
}

// secretChange reports whether a change is to a Secret, live or desired:
// a new object has no live side.
func secretChange(c Change) bool {
	return isSecret(c.Live) || isSecret(c.Desired)
}
