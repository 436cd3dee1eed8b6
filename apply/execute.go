package apply

import (
	"context"
	"errors"
	"fmt"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/parallel"
	"github.com/convergehq/converge/manifests"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// conflictRetries is how often a patch is re-planned after a conflict.
const conflictRetries = 5

// Executor sends a plan to the cluster.
type Executor struct {
	Planner *diff.Planner
	Options Options
	// set keeps the ApplySet parent in step; nil without one.
	set *setWriter
	// outage is set once the API server cannot be reached.
	outage outage
}

// Execute applies every change of cs, wave by wave, then prunes. A failed
// object does not stop the others in its wave; the returned Result says
// what happened to each, and the error joins the failures. Nothing is
// pruned after a failure, so the parent keeps every member reachable for
// the next run.
func (x *Executor) Execute(ctx context.Context, cs diff.ChangeSet) (Result, error) {
	var res Result
	var targets []waitTarget
	// Plan puts the prunes last.
	k := len(cs.Changes)
	for k > 0 && cs.Changes[k-1].Action == diff.ActionPrune {
		k--
	}
	applies, prunes := diff.ChangeSet{Changes: cs.Changes[:k]}, cs.Changes[k:]
	for _, wave := range waves(applies) {
		if err := x.set.beforeWave(ctx, wave); err != nil {
			return res, err
		}
		skip := x.awaitKinds(ctx, applies, wave, failedIDs(res))
		entries := x.executeWave(ctx, wave, skip)
		if x.Options.Progress != nil {
			x.Options.Progress(entries)
		}
		res.Entries = append(res.Entries, entries...)
		for i, e := range entries {
			if e.Err == nil {
				targets = append(targets, waitTarget{id: e.ID, mapping: wave[i].Mapping})
			}
		}
	}
	if len(res.Failed()) == 0 {
		if err := x.set.beforeWave(ctx, nil); err != nil {
			return res, err
		}
		res.Entries = append(res.Entries, x.prune(ctx, prunes)...)
	}
	if x.outage.down() {
		return res, x.outageError(res)
	}
	var errs []error
	for _, e := range res.Failed() {
		errs = append(errs, e.Err)
	}
	if len(errs) > 0 {
		return res, errors.Join(errs...)
	}
	if err := x.set.afterPrune(ctx); err != nil {
		return res, err
	}
	if x.Options.Wait && x.Options.DryRun == DryRunNone {
		return res, x.wait(ctx, targets)
	}
	return res, nil
}

// waves splits a change set, already in apply order, into runs of equal
// rank: sub-slices of cs, not copies.
func waves(cs diff.ChangeSet) [][]diff.Change {
	var out [][]diff.Change
	start := 0
	for i := 1; i <= len(cs.Changes); i++ {
		if i == len(cs.Changes) || manifests.Rank(cs.Changes[i].ID) != manifests.Rank(cs.Changes[start].ID) {
			out = append(out, cs.Changes[start:i:i])
			start = i
		}
	}
	return out
}

// executeWave applies a wave in parallel; the changes in skip are not
// sent, and fail with their error.
func (x *Executor) executeWave(ctx context.Context, wave []diff.Change, skip map[int]error) []Entry {
	entries := make([]Entry, len(wave))
	parallel.Do(x.concurrency(), len(wave), func(i int) {
		if err, ok := skip[i]; ok {
			c := wave[i]
			var oe *manifests.ObjectError
			if !errors.As(err, &oe) {
				err = &manifests.ObjectError{ID: c.ID, Origin: c.Origin, Op: "apply", Err: err}
			}
			entries[i] = Entry{ID: c.ID, Origin: c.Origin, Action: c.Action, Fate: FateFailed, Err: err}
			return
		}
		entries[i] = x.executeOne(ctx, wave[i])
	})
	return entries
}

func (x *Executor) executeOne(ctx context.Context, c diff.Change) Entry {
	e := Entry{ID: c.ID, Origin: c.Origin, Action: c.Action}
	switch c.Action {
	case diff.ActionUnchanged:
		x.keep(&e, c.Live)
		return e
	case diff.ActionRefused:
		e.Fate, e.Err = FateFailed, c.Refusal
		return e
	}
	send := func() error { return x.send(ctx, c, &e) }
	var err error
	e.Fate, err = x.withRetry(ctx, send)
	for try := 0; e.Fate == FateFailed && apierrors.IsConflict(err) && try < conflictRetries; try++ {
		var obj manifests.Object
		if obj, err = x.desired(c); err != nil {
			break
		}
		if c, err = x.Planner.PlanObject(ctx, obj); err != nil {
			break
		}
		e.Action = c.Action
		if c.Action == diff.ActionRefused {
			e.Fate, err = FateFailed, c.Refusal
			break
		}
		e.Fate, err = x.withRetry(ctx, send)
	}
	if err != nil {
		var oe *manifests.ObjectError
		if !errors.As(err, &oe) {
			err = &manifests.ObjectError{ID: c.ID, Origin: c.Origin, Op: "apply", Err: err}
		}
		e.Err = err
	}
	return e
}

// desired recovers the object as written from the change, for re-planning.
func (x *Executor) desired(c diff.Change) (manifests.Object, error) {
	if c.Desired == nil {
		return manifests.Object{}, errors.New("no desired object to re-plan")
	}
	return x.Planner.Replannable(c), nil
}

// send performs the one request the change needs. For an object created
// with generateName it stores the server's name in name.
func (x *Executor) send(ctx context.Context, c diff.Change, e *Entry) error {
	// A server dry run cannot send a custom resource whose CRD it only
	// pretended to create: the kind is not served.
	if x.Options.DryRun == DryRunClient || (c.Pending && x.Options.DryRun == DryRunServer) {
		x.keep(e, c.Predicted)
		return nil
	}
	var dryRun []string
	if x.Options.DryRun == DryRunServer {
		dryRun = []string{metav1.DryRunAll}
	}
	manager := x.Options.manager()
	r := x.Planner.Resource(c)
	c, err := x.withCause(c)
	if err != nil {
		return err
	}
	var out *unstructured.Unstructured
	switch {
	case c.ServerSide && (c.Action == diff.ActionCreate || c.Action == diff.ActionConfigure):
		out, err = x.serverSideApply(ctx, c, dryRun)
	case c.Action == diff.ActionCreate:
		out, err = r.Create(ctx, c.Desired, metav1.CreateOptions{DryRun: dryRun, FieldManager: manager})
		if err == nil && c.ID.Name == "" {
			// generateName: report the name the server chose.
			e.ID.Name = out.GetName()
		}
	case c.Action == diff.ActionConfigure:
		out, err = r.Patch(ctx, c.ID.Name, c.PatchType, c.Patch, metav1.PatchOptions{DryRun: dryRun, FieldManager: manager})
	case c.Action == diff.ActionReplace:
		out, err = c.Predicted, x.replace(ctx, c, dryRun != nil)
	default:
		out = c.Live
	}
	if err == nil {
		x.keep(e, out)
	}
	return err
}

// keep stores the object in the entry when Options.KeepObjects asks.
func (x *Executor) keep(e *Entry, obj *unstructured.Unstructured) {
	if x.Options.KeepObjects {
		e.Object = obj
	}
}

// serverSideApply migrates the object's client-side apply managers, if it
// has any, then sends the apply patch. The migration's patch carries the
// resourceVersion it was computed from, so a concurrent change makes it a
// conflict, and the change is planned again.
func (x *Executor) serverSideApply(ctx context.Context, c diff.Change, dryRun []string) (*unstructured.Unstructured, error) {
	r := x.Planner.Resource(c)
	if c.Migrate != nil {
		if _, err := r.Patch(ctx, c.ID.Name, types.JSONPatchType, c.Migrate, metav1.PatchOptions{DryRun: dryRun}); err != nil {
			return nil, fmt.Errorf("migrate managed fields from client-side apply: %w", err)
		}
	}
	force := x.Options.ForceConflicts
	out, err := r.Patch(ctx, c.ID.Name, types.ApplyPatchType, c.Patch, metav1.PatchOptions{
		DryRun: dryRun, FieldManager: x.Options.manager(), Force: &force,
	})
	if apierrors.IsConflict(err) {
		return nil, &diff.ConflictError{Err: err}
	}
	return out, err
}

// outageError summarises an apply the API server went away from.
func (x *Executor) outageError(res Result) error {
	e := &OutageError{Host: x.Planner.Clients.Config.Host, Since: x.outage.since, Cause: x.outage.cause}
	for _, en := range res.Entries {
		switch {
		case en.Err == nil:
			e.Applied++
		case en.Fate == FateNotSent:
			e.NotSent++
		case en.Fate == FateUnknown:
			e.Unknown++
		default:
			e.Failed++
		}
	}
	return e
}

// failedIDs are the objects that failed so far.
func failedIDs(res Result) map[manifests.ObjectID]bool {
	out := map[manifests.ObjectID]bool{}
	for _, e := range res.Failed() {
		out[e.ID] = true
	}
	return out
}
