package apply

import (
	"context"
	"errors"
	"fmt"

	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// PlanError means the set could not be planned, so nothing was applied.
type PlanError struct {
	Err error
}

// Error says that nothing was applied, then why.
func (e *PlanError) Error() string {
	return fmt.Sprintf("nothing was applied:\n%s", e.Err.Error())
}

// Unwrap returns the joined per-object errors.
func (e *PlanError) Unwrap() error { return e.Err }

// Run plans set against the cluster and executes the plan. If any object
// cannot be planned, the server refuses any change (found by its dry run),
// or a prune is not allowed, nothing is applied and the error is a
// *PlanError.
func Run(ctx context.Context, clients *kube.Clients, set manifests.Set, opts Options) (Result, error) {
	if opts.ApplySet != nil && set.Len() == 0 && !opts.PruneAllowEmpty && !opts.SkipPrune {
		return Result{}, &PlanError{Err: fmt.Errorf("the manifests hold no objects, so prune would delete every member of applyset %s: check -f/-k and -l, or pass --prune-allow-empty to delete them all", opts.ApplySet)}
	}
	x, cs, err := Plan(ctx, clients, set, opts)
	if err != nil {
		return Result{}, &PlanError{Err: collapse(clients.Config.Host, err)}
	}
	if err := refusals(cs); err != nil {
		return Result{}, &PlanError{Err: err}
	}
	if err := x.guardPrune(ctx, cs); err != nil {
		return Result{}, &PlanError{Err: err}
	}
	if err := x.preflight(ctx, cs); err != nil {
		return Result{}, &PlanError{Err: err}
	}
	if opts.Planned != nil {
		opts.Planned(cs)
	}
	return x.Execute(ctx, cs)
}

// Plan computes what Run would do, and writes nothing: the changes of set
// and, with an ApplySet, the members to prune. diff shows this plan; Run
// executes it with the returned Executor.
func Plan(ctx context.Context, clients *kube.Clients, set manifests.Set, opts Options) (*Executor, diff.ChangeSet, error) {
	planner := &diff.Planner{Clients: clients, Options: diff.Options{
		Concurrency: opts.Concurrency, FieldManager: opts.manager(), Force: opts.Force, Memo: opts.Memo,
		ServerSide: opts.ServerSide, ForceConflicts: opts.ForceConflicts,
		// apply writes the change-cause outside the manifest; a
		// server-side apply (and its preview) keeps it.
		KeepAnnotations: []string{ChangeCauseAnnotation},
	}}
	x := &Executor{Planner: planner, Options: opts}
	var before applyset.State
	if p := opts.ApplySet; p != nil {
		var err error
		if before, err = applyset.Fetch(ctx, clients, *p); err != nil {
			return x, diff.ChangeSet{}, err
		}
		planner.Options.Labels = map[string]string{applyset.LabelPartOf: p.ID()}
		x.set = &setWriter{clients: clients, parent: *p, version: opts.Version, dryRun: opts.DryRun, keepBefore: opts.Selector != "" || opts.SkipPrune}
	}
	cs, err := planner.Plan(ctx, set)
	if err != nil || x.set == nil {
		return x, cs, err
	}
	x.set.start(before, stateOf(cs.Changes)) // no prunes in cs yet
	if opts.SkipPrune {
		planner.ForgetListed()
		return x, cs, nil
	}
	members, err := applyset.Members(ctx, clients, x.set.parent, before.Union(x.set.updated),
		applyset.MemberOptions{Selector: opts.Selector, Concurrency: x.concurrency(), Cached: planner.Listed})
	planner.ForgetListed()
	if err != nil {
		return x, cs, err
	}
	prunes := diff.PlanPrune(cs, members)
	if opts.ShowPruned && len(prunes) > 0 {
		if err := x.readWhole(ctx, prunes); err != nil {
			return x, cs, err
		}
	}
	cs.Changes = append(cs.Changes, prunes...)
	return x, cs, nil
}

// readWhole replaces the metadata of the members to prune with the whole
// objects, to show them: one LIST per resource and namespace that has any.
func (x *Executor) readWhole(ctx context.Context, prunes []diff.Change) error {
	whole, err := applyset.Members(ctx, x.Planner.Clients, x.set.parent, stateOf(prunes),
		applyset.MemberOptions{Selector: x.Options.Selector, Concurrency: x.concurrency(), Full: true})
	if err != nil {
		return err
	}
	byID := make(map[manifests.ObjectID]*unstructured.Unstructured, len(whole))
	for _, m := range whole {
		byID[m.ID] = m.Object
	}
	for i := range prunes {
		if obj, ok := byID[prunes[i].ID]; ok {
			prunes[i].Live = obj
		}
	}
	return nil
}

// refusals joins the reasons of the changes the server refuses.
func refusals(cs diff.ChangeSet) error {
	var errs []error
	for _, c := range cs.Refused() {
		errs = append(errs, c.Refusal)
	}
	return errors.Join(errs...)
}
