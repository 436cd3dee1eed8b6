package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convergehq/converge/diff"
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
// apply created: it waits until every CRD of the plan is Established,
// refreshes the RESTMapper, and plans those custom resources again, now
// against the kinds the cluster serves.
func (x *Executor) awaitKinds(ctx context.Context, cs diff.ChangeSet, wave []diff.Change) error {
	pending := false
	for _, c := range wave {
		pending = pending || c.Pending
	}
	if !pending || x.Options.DryRun != DryRunNone {
		return nil
	}
	for _, c := range cs.Changes {
		if diff.IsCRD(c.ID) && c.Action != diff.ActionPrune {
			if err := x.waitObject(ctx, x.Planner.Resource(c), c.ID.Name, established); err != nil {
				return fmt.Errorf("%s: wait until established: %w", c.ID, err)
			}
		}
	}
	x.Planner.ResetMappings()
	for i, c := range wave {
		if !c.Pending {
			continue
		}
		obj, err := x.desired(c)
		if err != nil {
			return err
		}
		if wave[i], err = x.Planner.PlanObject(ctx, obj); err != nil {
			return err
		}
	}
	return nil
}

// established reports whether a CRD's Established condition is True.
func established(u *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}

// waitObject watches the named object until done says so, or
// Options.Timeout passes.
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
	_, err := watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{}, nil, func(ev watch.Event) (bool, error) {
		u, ok := ev.Object.(*unstructured.Unstructured)
		return ok && done(u), nil
	})
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, watchtools.ErrWatchClosed) && ctx.Err() != nil {
		return fmt.Errorf("not done after %s; raise --timeout", x.timeout())
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
