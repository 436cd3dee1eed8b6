package applyset

import (
	"context"
	"fmt"
	"sort"

	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/internal/parallel"
	"github.com/convergehq/converge/manifests"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// Member is a live object that carries the set's part-of label.
type Member struct {
	ID      manifests.ObjectID
	UID     types.UID
	Mapping *meta.RESTMapping
	// Object is the live object; with MemberOptions.Full false, only its
	// metadata, apiVersion and kind.
	Object *unstructured.Unstructured
}

// MemberOptions say how members are listed.
type MemberOptions struct {
	// Selector narrows the LISTs further, as -l does.
	Selector string
	// Full reads whole objects, to show them; otherwise only metadata.
	Full bool
	// Concurrency bounds the LISTs in flight.
	Concurrency int
	// Cached, when set, returns what was listed already of a resource in
	// a namespace (all its objects, by name; whole when full is asked
	// for), so that LIST is not sent again.
	Cached func(r schema.GroupVersionResource, ns string, full bool) (map[string]*unstructured.Unstructured, bool)
}

// Members lists, for each group-kind of s in each namespace of s, the live
// objects labelled part-of the set: one LIST per group-kind and namespace,
// and no GETs. A group-kind the cluster no longer serves (its CRD deleted)
// has no members. They are sorted by ID.
func Members(ctx context.Context, clients *kube.Clients, p Parent, s State, o MemberOptions) ([]Member, error) {
	sel := LabelPartOf + "=" + p.ID()
	if o.Selector != "" {
		sel += "," + o.Selector
	}
	tasks := listTasks(clients.Mapper, s)
	found := make([][]Member, len(tasks))
	errs := make([]error, len(tasks))
	n := o.Concurrency
	if n <= 0 {
		n = 16
	}
	selector, err := labels.Parse(sel)
	if err != nil {
		return nil, fmt.Errorf("invalid selector %q: %w", sel, err)
	}
	parallel.Do(n, len(tasks), func(i int) {
		if o.Cached != nil {
			if objs, ok := o.Cached(tasks[i].mapping.Resource, tasks[i].namespace, o.Full); ok {
				found[i] = fromCache(tasks[i], objs, selector)
				return
			}
		}
		found[i], errs[i] = listOne(ctx, clients, tasks[i], sel, o.Full)
	})
	var out []Member
	for i := range tasks {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, found[i]...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.String() < out[j].ID.String() })
	return out, nil
}

// fromCache picks the members out of objects listed before.
func fromCache(t listTask, objs map[string]*unstructured.Unstructured, sel labels.Selector) []Member {
	var out []Member
	for _, o := range objs {
		if o != nil && sel.Matches(labels.Set(o.GetLabels())) {
			out = append(out, member(t, o))
		}
	}
	return out
}

// listTask is one LIST: a resource in a namespace, or cluster-wide.
type listTask struct {
	mapping   *meta.RESTMapping
	namespace string
}

func listTasks(mapper meta.RESTMapper, s State) []listTask {
	var tasks []listTask
	for _, gk := range s.GroupKinds {
		m, err := mapper.RESTMapping(gk)
		if err != nil {
			continue // not served any more: nothing of it is left
		}
		if m.Scope.Name() != meta.RESTScopeNameNamespace {
			tasks = append(tasks, listTask{mapping: m})
			continue
		}
		for _, ns := range s.Namespaces {
			tasks = append(tasks, listTask{mapping: m, namespace: ns})
		}
	}
	return tasks
}

func listOne(ctx context.Context, clients *kube.Clients, t listTask, sel string, full bool) ([]Member, error) {
	objs, err := clients.List(ctx, t.mapping, t.namespace, metav1.ListOptions{LabelSelector: sel}, full)
	if apierrors.IsNotFound(err) {
		return nil, nil // the server serves the kind no more (its CRD is gone): no members left
	}
	if err != nil {
		return nil, listError(t.mapping.GroupVersionKind, t.namespace, err)
	}
	out := make([]Member, len(objs))
	for i, o := range objs {
		out[i] = member(t, o)
	}
	return out, nil
}

// member is the Member of a listed object.
func member(t listTask, o *unstructured.Unstructured) Member {
	gvk := t.mapping.GroupVersionKind
	return Member{Mapping: t.mapping, Object: o, UID: o.GetUID(),
		ID: manifests.ObjectID{Group: gvk.Group, Kind: gvk.Kind, Namespace: o.GetNamespace(), Name: o.GetName()}}
}

func listError(gvk schema.GroupVersionKind, ns string, err error) error {
	where := "all namespaces"
	if ns != "" {
		where = "namespace " + ns
	}
	return fmt.Errorf("list %s in %s for pruning: %w", formatGK(gvk.GroupKind()), where, err)
}
