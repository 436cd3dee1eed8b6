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
	var informers []cache.InformerSynced
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
			informers = append(informers, inf.HasSynced)
		}
		factory.Start(wctx.Done())
	}
	if !waitSynced(wctx, informers) {
		// A LIST refused (RBAC) or gone (a deleted CRD): no drift watch
		// this time; the key is left unset so the next cycle tries again.
		s.log.Warn("cannot watch the set's objects for drift; trying again next cycle")
		cancel()
		return
	}
	s.watch = w
}

// syncTimeout bounds the first LIST of a watch.
const syncTimeout = 30 * time.Second

// waitSynced waits until the informers have listed, or syncTimeout.
func waitSynced(ctx context.Context, synced []cache.InformerSynced) bool {
	wait, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	return cache.WaitForCacheSync(wait.Done(), synced...)
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
	revs, err := s.listRevisions(ctx)
	if err != nil {
		return err
	}
	undoing, err := s.undoUnderWay(ctx)
	if err != nil {
		return err
	}
	if s.status.Pinned != nil || s.unseenUndo(revs) || undoing {
		s.watch.take() // the cluster holds an undo's set, not git's
		return nil
	}
	index := s.index(*s.applied)
	var subset manifests.Set
	for _, id := range s.watch.take() {
		if o, ok := index.find(id); ok {
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

// undoUnderWay reads the status from the cluster, not the watch: an undo
// writes its mark there before it writes any object, so a change an undo
// makes is never taken for drift.
func (s *Syncer) undoUnderWay(ctx context.Context) (bool, error) {
	st, found, err := ReadStatus(ctx, s.store)
	if err != nil || !found || st.UndoAt == nil {
		return false, err
	}
	return s.status.UndoSeen == nil || st.UndoAt.After(*s.status.UndoSeen), nil
}

// objectIndex finds the manifest of a live object: by its identity as
// written, or with the namespace the sync gives objects that name none.
type objectIndex struct {
	written, defaulted map[manifests.ObjectID]manifests.Object
}

func (s *Syncer) index(set manifests.Set) objectIndex {
	x := objectIndex{written: map[manifests.ObjectID]manifests.Object{}, defaulted: map[manifests.ObjectID]manifests.Object{}}
	for _, o := range set.Objects {
		id := o.ID()
		x.written[id] = o
		if id.Namespace == "" {
			id.Namespace = s.clients.Namespace
			x.defaulted[id] = o
		}
	}
	return x
}

// find returns the manifest of id; a cluster-scoped object matches as
// written, a namespaced one that named no namespace as defaulted.
func (x objectIndex) find(id manifests.ObjectID) (manifests.Object, bool) {
	if o, ok := x.written[id]; ok {
		return o, true
	}
	o, ok := x.defaulted[id]
	return o, ok
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
	drifted := map[manifests.ObjectID]bool{}
	for _, e := range diff.NewReport(cs, s.opts.Ignore).Entries {
		drifted[e.ID] = true
	}
	var names []string
	var heal manifests.Set
	index := s.index(subset)
	for _, c := range cs.Changes { // in apply order, not subset's
		o, ok := index.find(c.ID)
		if !drifted[c.ID] || !ok {
			continue
		}
		names = append(names, c.ID.KindName())
		heal.Objects = append(heal.Objects, o)
		s.log.Warn("drift", "object", c.ID.String(), "action", string(c.Action))
	}
	var fine []string
	for _, c := range cs.Changes {
		if !drifted[c.ID] {
			fine = append(fine, c.ID.KindName())
		}
	}
	s.status.Drifted = removeNames(s.status.Drifted, fine) // back in step by themselves
	if len(names) == 0 {
		return s.flush(ctx)
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
