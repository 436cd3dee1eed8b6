package applyset

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/convergehq/converge/internal/kube"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
)

// State is what a set's parent records: the members' group-kinds and
// namespaces. The zero State is a set with no parent yet.
type State struct {
	// Exists is true when the parent is in the cluster.
	Exists bool
	// GroupKinds are the members' group-kinds, sorted.
	GroupKinds []schema.GroupKind
	// Namespaces are the namespaces members are in, sorted, the parent's
	// own included when it is namespaced.
	Namespaces []string
}

// Union returns the group-kinds and namespaces of s and o together.
func (s State) Union(o State) State {
	return State{
		Exists:     s.Exists || o.Exists,
		GroupKinds: sortedUnique(append(slices.Clone(s.GroupKinds), o.GroupKinds...), func(a, b schema.GroupKind) int { return strings.Compare(formatGK(a), formatGK(b)) }),
		Namespaces: sortedUnique(append(slices.Clone(s.Namespaces), o.Namespaces...), strings.Compare),
	}
}

func sortedUnique[T comparable](v []T, cmp func(a, b T) int) []T {
	slices.SortFunc(v, cmp)
	return slices.Compact(v)
}

// Fetch reads the parent and checks that converge manages it. A parent not
// in the cluster gives the zero State, except for a custom resource parent,
// which must be created first, as kubectl requires.
func Fetch(ctx context.Context, clients *kube.Clients, p Parent) (State, error) {
	if err := checkParentType(ctx, clients, p); err != nil {
		return State{}, err
	}
	live, err := resource(clients.Dynamic, p).Get(ctx, p.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		if p.GroupKind().Group != "" {
			return State{}, fmt.Errorf("applyset parent %s does not exist: create it first; converge creates only Secret and ConfigMap parents", p)
		}
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("applyset parent %s: read: %w", p, err)
	}
	if err := checkOwned(p, live.GetLabels(), live.GetAnnotations()); err != nil {
		return State{}, err
	}
	return parseState(p, live.GetAnnotations())
}

// crds is the resource of CustomResourceDefinitions.
var crds = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// checkParentType accepts a custom resource parent only when its CRD has
// the is-parent-type label, as kubectl does.
func checkParentType(ctx context.Context, clients *kube.Clients, p Parent) error {
	gr := p.Mapping.Resource.GroupResource()
	if gr.Group == "" {
		return nil
	}
	crd, err := clients.Dynamic.Resource(crds).Get(ctx, gr.String(), metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("applyset parent %s: read its CustomResourceDefinition %s: %w", p, gr, err)
	}
	if _, ok := crd.GetLabels()[LabelIsParentType]; !ok {
		return fmt.Errorf("applyset parent %s: %s objects cannot be ApplySet parents; label the CRD: kubectl label crd %s %s=true", p, p.GroupKind().Kind, gr, LabelIsParentType)
	}
	return nil
}

// checkOwned refuses a parent that is not an ApplySet parent of converge's
// with this id.
func checkOwned(p Parent, labels, annots map[string]string) error {
	tooling, ok := annots[AnnotationTooling]
	if !ok {
		return fmt.Errorf("applyset parent %s already exists and is not an ApplySet parent (no %s annotation): choose another --applyset name", p, AnnotationTooling)
	}
	tool := tooling
	if i := strings.LastIndex(tooling, "/"); i >= 0 {
		tool = tooling[:i]
	}
	if tool != Tool {
		return fmt.Errorf("applyset parent %s is managed by %q, not %s: manage it with that tool, or choose another --applyset name", p, tool, Tool)
	}
	if got := labels[LabelID]; got != p.ID() {
		return fmt.Errorf("applyset parent %s has label %s=%q, want %q: the parent was copied or edited; delete the label's owner or choose another --applyset name", p, LabelID, got, p.ID())
	}
	return nil
}

// parseState reads the group-kinds and namespaces annotations.
func parseState(p Parent, annots map[string]string) (State, error) {
	s := State{Exists: true}
	kinds, ok := annots[AnnotationGroupKinds]
	if !ok && annots[annotationGroupResources] != "" {
		return State{}, fmt.Errorf("applyset parent %s has only the deprecated %s annotation: apply it once with kubectl, or delete the parent and its members' %s labels", p, annotationGroupResources, LabelPartOf)
	}
	for _, e := range splitList(kinds) {
		kind, group, _ := strings.Cut(e, ".")
		s.GroupKinds = append(s.GroupKinds, schema.GroupKind{Group: group, Kind: kind})
	}
	s.Namespaces = splitList(annots[AnnotationNamespaces])
	if p.Namespace != "" {
		s.Namespaces = append(s.Namespaces, p.Namespace)
	}
	return s.Union(State{}), nil
}

func splitList(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// formatGK writes a group-kind as kubectl does: Kind, or Kind.group.
func formatGK(gk schema.GroupKind) string {
	if gk.Group == "" {
		return gk.Kind
	}
	return gk.Kind + "." + gk.Group
}

// Write records s in the parent with server-side apply, creating the parent
// if needed. version is converge's version, for the tooling annotation.
func Write(ctx context.Context, clients *kube.Clients, p Parent, s State, version string, dryRun bool) error {
	body, err := json.Marshal(parentPatch(p, s, version))
	if err != nil {
		return err
	}
	force := true
	opts := metav1.PatchOptions{FieldManager: FieldManager, Force: &force}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	_, err = resource(clients.Dynamic, p).Patch(ctx, p.Name, types.ApplyPatchType, body, opts)
	if err != nil {
		return fmt.Errorf("applyset parent %s: write: %w", p, err)
	}
	return nil
}

// parentPatch is the parent's metadata as converge owns it.
func parentPatch(p Parent, s State, version string) map[string]any {
	kinds := make([]string, len(s.GroupKinds))
	for i, gk := range s.GroupKinds {
		kinds[i] = formatGK(gk)
	}
	sort.Strings(kinds)
	var nss []string
	for _, ns := range s.Namespaces {
		if ns != p.Namespace {
			nss = append(nss, ns)
		}
	}
	sort.Strings(nss)
	md := map[string]any{
		"name":   p.Name,
		"labels": map[string]any{LabelID: p.ID()},
		"annotations": map[string]any{
			AnnotationTooling:    Tool + "/" + version,
			AnnotationGroupKinds: strings.Join(kinds, ","),
			AnnotationNamespaces: strings.Join(nss, ","),
		},
	}
	if p.Namespace != "" {
		md["namespace"] = p.Namespace
	}
	gvk := p.Mapping.GroupVersionKind
	return map[string]any{"apiVersion": gvk.GroupVersion().String(), "kind": gvk.Kind, "metadata": md}
}

func resource(dyn dynamic.Interface, p Parent) dynamic.ResourceInterface {
	r := dyn.Resource(p.Mapping.Resource)
	if p.Namespace != "" {
		return r.Namespace(p.Namespace)
	}
	return r
}
