package sync

import (
	"context"
	"maps"
	"slices"
	"strings"
	gosync "sync"
	"time"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
)

// driftDebounce gathers the changes of a burst into one check.
const driftDebounce = 200 * time.Millisecond

// watch is the informers on the members of the applied set: a change to
// any member is checked for drift within a second, without polling.
type watch struct {
	// key says which resources and namespaces the informers cover.
	key    string
	stop   context.CancelFunc
	mu     gosync.Mutex
	dirty  map[manifests.ObjectID]bool
	notify chan struct{}
}

// watchKey names the resources and namespaces a watch covers.
func watchKey(state applyset.State) string {
	gks := make([]string, len(state.GroupKinds))
	for i, gk := range state.GroupKinds {
		gks[i] = gk.String()
	}
	return strings.Join(gks, ",") + "|" + strings.Join(state.Namespaces, ",")
}

// membersState is the group-kinds and namespaces of the applied set.
func (s *Syncer) membersState() applyset.State {
	gks := map[schema.GroupKind]bool{}
	nss := map[string]bool{}
	for _, o := range s.applied.Objects {
		gvk := o.GroupVersionKind()
		gks[gvk.GroupKind()] = true
		m, err := s.clients.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil || m.Scope.Name() != meta.RESTScopeNameNamespace {
			continue
		}
		ns := o.GetNamespace()
		if ns == "" {
			ns = s.clients.Namespace
		}
		nss[ns] = true
	}
	state := applyset.State{GroupKinds: slices.Collect(maps.Keys(gks)), Namespaces: slices.Sorted(maps.Keys(nss))}
	slices.SortFunc(state.GroupKinds, func(a, b schema.GroupKind) int { return strings.Compare(a.String(), b.String()) })
	return state
}

// startWatch (re)starts the informers when the set's kinds or namespaces
// changed: one label-selected informer per resource and namespace.
func (s *Syncer) startWatch(ctx context.Context) {
	if s.applied == nil {
		return
	}
	state := s.membersState()
	key := watchKey(state)
	if s.watch != nil && s.watch.key == key {
		return
	}
	if s.watch != nil {
		s.watch.stop()
	}
	wctx, cancel := context.WithCancel(ctx)
	w := &watch{key: key, stop: cancel, dirty: map[manifests.ObjectID]bool{}, notify: make(chan struct{}, 1)}
	selector := func(o *metav1.ListOptions) {
		o.LabelSelector = applyset.LabelPartOf + "=" + s.store.Parent.ID()
	}
	for _, ns := range watchNamespaces(state) {
		factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(s.clients.Dynamic, 0, ns, selector)
		for _, gk := range state.GroupKinds {
			mapping, err := s.clients.Mapper.RESTMapping(gk)
			if err != nil || (ns == metav1.NamespaceAll) == (mapping.Scope.Name() == meta.RESTScopeNameNamespace) {
				continue
			}
			inf := factory.ForResource(mapping.Resource).Informer()
			_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
				UpdateFunc: func(old, cur any) { w.changed(old, cur) },
				DeleteFunc: func(obj any) { w.changed(nil, obj) },
			})
		}
		factory.Start(wctx.Done())
		factory.WaitForCacheSync(wctx.Done())
	}
	s.watch = w
}

// watchNamespaces are the namespaces to watch, with NamespaceAll ("")
// standing for the cluster-scoped resources.
func watchNamespaces(state applyset.State) []string {
	return append([]string{metav1.NamespaceAll}, state.Namespaces...)
}

// changed marks an object whose spec or metadata may have moved; a status
// update, which leaves generation, labels and annotations as they were,
// is not one.
func (w *watch) changed(old, cur any) {
	u, ok := asObject(cur)
	if !ok {
		return
	}
	if o, ok := asObject(old); ok && u.GetGeneration() > 0 && o.GetGeneration() == u.GetGeneration() &&
		maps.Equal(o.GetLabels(), u.GetLabels()) && maps.Equal(o.GetAnnotations(), u.GetAnnotations()) {
		return
	}
	gvk := u.GroupVersionKind()
	w.mu.Lock()
	w.dirty[manifests.ObjectID{Group: gvk.Group, Kind: gvk.Kind, Namespace: u.GetNamespace(), Name: u.GetName()}] = true
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

func asObject(obj any) (*unstructured.Unstructured, bool) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	u, ok := obj.(*unstructured.Unstructured)
	return u, ok
}

// take returns the objects marked since the last call.
func (w *watch) take() []manifests.ObjectID {
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := slices.Collect(maps.Keys(w.dirty))
	clear(w.dirty)
	return ids
}

// checkDrift plans the changed members again, against the applied set:
// a change to a managed field (one in last-applied, or owned by
// converge's field manager under server-side apply) is drift; one to a
// field others own, or a value the server only normalized, is not, as in
// diff. Drift is logged and shown in the status; with SelfHeal, the
// drifted objects alone are applied again.
func (s *Syncer) checkDrift(ctx context.Context) error {
	byID := map[manifests.ObjectID]manifests.Object{}
	for _, o := range s.applied.Objects {
		id := o.ID()
		if id.Namespace == "" {
			id.Namespace = s.clients.Namespace
		}
		byID[id] = o
	}
	var subset manifests.Set
	for _, id := range s.watch.take() {
		o, ok := byID[id]
		if !ok {
			id.Namespace = ""
			o, ok = byID[id]
		}
		if ok {
			subset.Objects = append(subset.Objects, o)
		}
	}
	if subset.Len() == 0 {
		return nil
	}
	opts := s.driftOptions()
	_, cs, err := apply.Plan(ctx, s.clients, subset, opts)
	if err != nil {
		return err
	}
	return s.drifted(ctx, subset, cs, opts)
}

// driftOptions plan and heal as the last apply did, without pruning.
func (s *Syncer) driftOptions() apply.Options {
	opts := s.opts.Apply
	opts.SkipPrune, opts.Wait = true, false
	opts.ChangeCause = s.appliedCause
	return opts
}

// drifted records the drifted objects of cs and, with SelfHeal, applies
// them again.
func (s *Syncer) drifted(ctx context.Context, subset manifests.Set, cs diff.ChangeSet, opts apply.Options) error {
	var names []string
	var heal manifests.Set
	for i, c := range cs.Changes {
		if c.Action == diff.ActionUnchanged {
			continue
		}
		names = append(names, c.ID.KindName())
		heal.Objects = append(heal.Objects, subset.Objects[i])
		s.log.Warn("drift", "object", c.ID.String(), "action", string(c.Action))
	}
	if len(names) == 0 {
		return nil
	}
	s.status.Drifted = mergeNames(s.status.Drifted, names)
	if !s.opts.SelfHeal {
		return s.flush(ctx)
	}
	if _, err := apply.Run(ctx, s.clients, heal, opts); err != nil {
		_ = s.flush(ctx)
		return err
	}
	s.log.Info("healed", "objects", names)
	s.status.Drifted = removeNames(s.status.Drifted, names)
	return s.flush(ctx)
}

func mergeNames(have, add []string) []string {
	out := slices.Clone(have)
	for _, n := range add {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func removeNames(have, drop []string) []string {
	return slices.DeleteFunc(slices.Clone(have), func(n string) bool { return slices.Contains(drop, n) })
}
