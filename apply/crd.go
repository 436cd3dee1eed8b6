package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// awaitKinds readies a wave that holds custom resources whose CRD the same
// apply created: it waits until every CRD of the plan that did not fail is
// Established, refreshes the RESTMapper, and plans those custom resources
// again, now against the kinds the cluster serves. It returns, by index in
// the wave, the custom resources that cannot be applied, and why.
func (x *Executor) awaitKinds(ctx context.Context, cs diff.ChangeSet, wave []diff.Change, failed map[manifests.ObjectID]bool) map[int]error {
	pending := false
	for _, c := range wave {
		pending = pending || c.Pending
	}
	if !pending || x.Options.DryRun != DryRunNone {
		return nil
	}
	var waitErr error
	for _, c := range cs.Changes {
		if diff.IsCRD(c.ID) && c.Action != diff.ActionPrune && !failed[c.ID] {
			if err := x.waitObject(ctx, x.Planner.Resource(c), c.ID.Name, established); err != nil {
				waitErr = fmt.Errorf("%s: wait until established: %w", c.ID, err)
				break
			}
		}
	}
	x.Planner.ResetMappings()
	errs := map[int]error{}
	for i, c := range wave {
		if !c.Pending {
			continue
		}
		if waitErr != nil {
			errs[i] = waitErr
			continue
		}
		var err error
		if wave[i], err = x.Planner.PlanObject(ctx, x.Planner.Replannable(c)); err != nil {
			errs[i] = err
		}
	}
	return errs
}

// established reports whether a CRD's Established condition is True.
func established(u *unstructured.Unstructured) bool {
	if u == nil {
		return false
	}
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}

// notDoneError is a wait that ran out of time.
type notDoneError struct{ after time.Duration }

func (e *notDoneError) Error() string {
	return fmt.Sprintf("not done after %s; raise --timeout", e.after)
}

// waitObject lists and watches the named object until done says so, or
// Options.Timeout passes (a *notDoneError). done is given nil while the
// object does not exist.
func (x *Executor) waitObject(ctx context.Context, r dynamic.ResourceInterface, name string, done func(*unstructured.Unstructured) bool) error {
	ctx, cancel := context.WithTimeout(ctx, x.timeout())
	defer cancel()
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.FieldSelector = sel
			return r.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = sel
			return r.Watch(ctx, o)
		},
	}
	pre := func(store cache.Store) (bool, error) {
		items := store.List()
		if len(items) == 0 {
			return done(nil), nil
		}
		u, ok := items[0].(*unstructured.Unstructured)
		return ok && done(u), nil
	}
	_, err := watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{}, pre, func(ev watch.Event) (bool, error) {
		u, ok := ev.Object.(*unstructured.Unstructured)
		if ev.Type == watch.Deleted {
			return done(nil), nil
		}
		return ok && done(u), nil
	})
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, watchtools.ErrWatchClosed) && ctx.Err() != nil {
		return &notDoneError{after: x.timeout()}
	}
	return err
}

// timeout returns Options.Timeout, defaulted.
func (x *Executor) timeout() time.Duration {
	if x.Options.Timeout <= 0 {
		return DefaultTimeout
	}
	return x.Options.Timeout
}
