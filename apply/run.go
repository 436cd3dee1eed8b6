package apply

import (
	"context"
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
// cannot be planned, nothing is applied and the error is a *PlanError.
func Run(ctx context.Context, clients *kube.Clients, set manifests.Set, opts Options) (Result, error) {
	planner := &diff.Planner{Clients: clients, Options: diff.Options{Concurrency: opts.Concurrency}}
	cs, err := planner.Plan(ctx, set)
	if err != nil {
		return Result{}, &PlanError{Err: err}
	}
	x := &Executor{Planner: planner, Options: opts}
	return x.Execute(ctx, cs)
}
