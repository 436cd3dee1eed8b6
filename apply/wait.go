package apply

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/parallel"
	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

// Health is the kstatus verdict on one applied object.
type Health struct {
	ID manifests.ObjectID
	// Status is kstatus's: Current when healthy, InProgress, Failed, ...
	Status status.Status
	// Message says why it is not yet Current.
	Message string
}

// Ready reports whether the object is healthy.
func (h Health) Ready() bool { return h.Status == status.CurrentStatus }

// WaitError names each object that did not become healthy in time.
type WaitError struct {
	// NotReady holds the objects not Current, with their reasons.
	NotReady []Health
	// TimedOut is true when the wait ran out of time, false when objects
	// failed for good (such as ProgressDeadlineExceeded).
	TimedOut bool
}

// Error lists the objects that are not healthy.
func (e *WaitError) Error() string {
	var b strings.Builder
	what := "failed"
	if e.TimedOut {
		what = "timed out"
	}
	fmt.Fprintf(&b, "wait %s: %d object(s) not healthy:", what, len(e.NotReady))
	for _, h := range e.NotReady {
		fmt.Fprintf(&b, "\n  %s: %s: %s", h.ID, h.Status, h.Message)
	}
	return b.String()
}

// waitTarget is an applied object to wait for.
type waitTarget struct {
	id      manifests.ObjectID
	mapping *meta.RESTMapping
}

// healthBoard holds the latest verdicts and reports progress.
type healthBoard struct {
	mu       sync.Mutex
	byID     map[manifests.ObjectID]Health
	order    []manifests.ObjectID
	progress func([]Health)
}

func (b *healthBoard) set(h Health) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old, ok := b.byID[h.ID]
	b.byID[h.ID] = h
	if b.progress != nil && (!ok || old != h) {
		b.progress(b.snapshotLocked())
	}
}

func (b *healthBoard) snapshotLocked() []Health {
	out := make([]Health, len(b.order))
	for i, id := range b.order {
		out[i] = b.byID[id]
	}
	return out
}

// done reports whether the object has settled: healthy, or failed for good.
func (b *healthBoard) done(id manifests.ObjectID) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.byID[id].Status
	return s == status.CurrentStatus || s == status.FailedStatus
}

// Wait waits until every target is healthy by kstatus, or the timeout. It
// reads each resource and namespace with one LIST, then watches it only
// while some of its objects are not settled.
func (x *Executor) wait(ctx context.Context, targets []waitTarget) error {
	ctx, cancel := context.WithTimeout(ctx, x.waitTimeout())
	defer cancel()
	board := &healthBoard{byID: map[manifests.ObjectID]Health{}, progress: x.Options.WaitProgress}
	groups := map[groupKey][]manifests.ObjectID{}
	mappings := map[groupKey]*meta.RESTMapping{}
	for _, t := range targets {
		board.order = append(board.order, t.id)
		board.byID[t.id] = Health{ID: t.id, Status: status.UnknownStatus, Message: "not read yet"}
		k := groupKey{resource: t.mapping.Resource, namespace: t.id.Namespace}
		groups[k] = append(groups[k], t.id)
		mappings[k] = t.mapping
	}
	keys := make([]groupKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	errs := make([]error, len(keys))
	parallel.Do(len(keys)+1, len(keys), func(i int) {
		errs[i] = x.waitGroup(ctx, mappings[keys[i]], keys[i].namespace, groups[keys[i]], board)
	})
	return verdict(board, ctx.Err() != nil, errors.Join(errs...))
}

type groupKey struct {
	resource  schema.GroupVersionResource
	namespace string
}

// waitGroup follows the objects of one resource in one namespace.
func (x *Executor) waitGroup(ctx context.Context, m *meta.RESTMapping, ns string, ids []manifests.ObjectID, board *healthBoard) error {
	r := x.Planner.Resource(diff.Change{Mapping: m, ID: manifests.ObjectID{Namespace: ns}})
	wanted := map[string]manifests.ObjectID{}
	for _, id := range ids {
		wanted[id.Name] = id
	}
	observe := func(u *unstructured.Unstructured) {
		if id, ok := wanted[u.GetName()]; ok {
			board.set(health(id, u))
		}
	}
	allDone := func() bool {
		for _, id := range ids {
			if !board.done(id) {
				return false
			}
		}
		return true
	}
	lw := &cache.ListWatch{
		ListWithContextFunc:  func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return r.List(ctx, o) },
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) { return r.Watch(ctx, o) },
	}
	pre := func(store cache.Store) (bool, error) {
		for _, o := range store.List() {
			observe(o.(*unstructured.Unstructured))
		}
		return allDone(), nil
	}
	_, err := watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{}, pre, func(ev watch.Event) (bool, error) {
		if u, ok := ev.Object.(*unstructured.Unstructured); ok {
			if ev.Type == watch.Deleted {
				if id, ok := wanted[u.GetName()]; ok {
					board.set(Health{ID: id, Status: status.NotFoundStatus, Message: "deleted"})
				}
			} else {
				observe(u)
			}
		}
		return allDone(), nil
	})
	if ctx.Err() != nil {
		return nil // the verdict names what is not ready
	}
	return err
}

// health computes the kstatus verdict of a live object.
func health(id manifests.ObjectID, u *unstructured.Unstructured) Health {
	res, err := status.Compute(u)
	if err != nil {
		return Health{ID: id, Status: status.UnknownStatus, Message: err.Error()}
	}
	return Health{ID: id, Status: res.Status, Message: res.Message}
}

// verdict turns the board into the wait's error, nil when all are ready.
func verdict(board *healthBoard, timedOut bool, err error) error {
	if err != nil {
		return fmt.Errorf("wait: %w", err)
	}
	board.mu.Lock()
	defer board.mu.Unlock()
	var bad []Health
	for _, h := range board.snapshotLocked() {
		if !h.Ready() {
			bad = append(bad, h)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.SliceStable(bad, func(i, j int) bool { return bad[i].ID.String() < bad[j].ID.String() })
	return &WaitError{NotReady: bad, TimedOut: timedOut}
}

// waitTimeout returns Options.Timeout, defaulted for a wait.
func (x *Executor) waitTimeout() time.Duration {
	if x.Options.Timeout <= 0 {
		return DefaultWaitTimeout
	}
	return x.Options.Timeout
}
