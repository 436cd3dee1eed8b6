package diff

import (
	"context"

	"github.com/convergehq/converge/internal/parallel"
	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// listThreshold is how many objects of one resource and namespace make a
// LIST cheaper than a GET per object.
const listThreshold = 3

// liveKey identifies a resource in a namespace.
type liveKey struct {
	resource  schema.GroupVersionResource
	namespace string
}

// liveIndex holds the objects read with one LIST per resource and
// namespace, so planning a large set does not GET every object.
type liveIndex struct {
	listed map[liveKey]map[string]*unstructured.Unstructured
}

// lookup returns the live object and whether its resource and namespace
// were listed; when listed, a nil object means it does not exist.
func (ix *liveIndex) lookup(m *meta.RESTMapping, ns, name string) (*unstructured.Unstructured, bool) {
	if ix == nil {
		return nil, false
	}
	if m.Scope.Name() != meta.RESTScopeNameNamespace {
		ns = ""
	}
	objs, ok := ix.listed[liveKey{resource: m.Resource, namespace: ns}]
	if !ok {
		return nil, false
	}
	return objs[name], true
}

// prefetch lists every resource and namespace that holds at least
// listThreshold objects of the set. A LIST that fails is skipped: those
// objects are read one by one, and any real error shows there.
func (p *Planner) prefetch(ctx context.Context, objs []manifests.Object) *liveIndex {
	return p.prefetchWith(ctx, objs, listThreshold, p.list)
}

// prefetchWith lists, with list, every resource and namespace that holds
// at least threshold objects of objs.
func (p *Planner) prefetchWith(ctx context.Context, objs []manifests.Object, threshold int,
	list func(context.Context, *meta.RESTMapping, string) map[string]*unstructured.Unstructured) *liveIndex {
	counts := map[liveKey]int{}
	mappings := map[liveKey]*meta.RESTMapping{}
	for _, o := range objs {
		m, ns, err := p.resolve(o.Unstructured)
		if err != nil || o.GetName() == "" {
			continue
		}
		k := liveKey{resource: m.Resource, namespace: ns}
		counts[k]++
		mappings[k] = m
	}
	var keys []liveKey
	for k, n := range counts {
		if n >= threshold {
			keys = append(keys, k)
		}
	}
	lists := make([]map[string]*unstructured.Unstructured, len(keys))
	parallel.Do(p.concurrency(), len(keys), func(i int) {
		lists[i] = list(ctx, mappings[keys[i]], keys[i].namespace)
	})
	ix := &liveIndex{listed: map[liveKey]map[string]*unstructured.Unstructured{}}
	for i, k := range keys {
		if lists[i] != nil {
			ix.listed[k] = lists[i]
		}
	}
	return ix
}

// list reads every object of a resource in a namespace, by name; nil when
// the LIST fails.
func (p *Planner) list(ctx context.Context, m *meta.RESTMapping, ns string) map[string]*unstructured.Unstructured {
	return p.listByName(ctx, m, ns, true)
}

// listByName reads a resource in a namespace, whole or only metadata, by
// name; nil when the LIST fails: those objects are then read one by one.
func (p *Planner) listByName(ctx context.Context, m *meta.RESTMapping, ns string, whole bool) map[string]*unstructured.Unstructured {
	objs, err := p.Clients.List(ctx, m, ns, metav1.ListOptions{}, whole)
	if err != nil {
		return nil
	}
	byName := make(map[string]*unstructured.Unstructured, len(objs))
	for _, o := range objs {
		byName[o.GetName()] = o
	}
	return byName
}

func (p *Planner) concurrency() int {
	if p.Options.Concurrency > 0 {
		return p.Options.Concurrency
	}
	return DefaultConcurrency
}
