package apply

import (
	"context"
	"errors"
	"fmt"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/manifests"
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
// cannot be planned, or the server refuses any change (found by its dry
// run), nothing is applied and the error is a *PlanError.
func Run(ctx context.Context, clients *kube.Clients, set manifests.Set, opts Options) (Result, error) {
	planner := &diff.Planner{Clients: clients, Options: diff.Options{
		Concurrency: opts.Concurrency, FieldManager: opts.manager(), Force: opts.Force, Memo: opts.Memo,
	}}
	cs, err := planner.Plan(ctx, set)
	if err != nil {
		return Result{}, &PlanError{Err: err}
	}
	if refused := cs.Refused(); len(refused) > 0 {
		errs := make([]error, len(refused))
		for i, c := range refused {
			errs[i] = c.Refusal
		}
		return Result{}, &PlanError{Err: errors.Join(errs...)}
	}
	if opts.Planned != nil {
		opts.Planned(cs)
	}
	x := &Executor{Planner: planner, Options: opts}
	return x.Execute(ctx, cs)
}
