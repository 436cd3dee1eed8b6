package diff

import (
	"context"
	"errors"

	"github.com/convergehq/converge/internal/parallel"
	"github.com/convergehq/converge/manifests"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// PredictOnServer replaces the locally predicted objects of cs with what the
// API server returns for the same create or patch sent with dryRun=All, so
// defaulting and admission are included. It sends exactly the requests
// apply would send.
func (p *Planner) PredictOnServer(ctx context.Context, cs ChangeSet, fieldManager string) error {
	errs := make([]error, len(cs.Changes))
	parallel.Do(p.concurrency(), len(cs.Changes), func(i int) {
		c := &cs.Changes[i]
		if c.Action != ActionCreate && c.Action != ActionConfigure {
			return
		}
		pred, err := p.dryRun(ctx, *c, fieldManager)
		if err != nil {
			errs[i] = &manifests.ObjectError{ID: c.ID, Origin: c.Origin, Op: "server dry run", Err: err}
			return
		}
		c.Predicted = pred
	})
	return errors.Join(errs...)
}

func (p *Planner) dryRun(ctx context.Context, c Change, manager string) (*unstructured.Unstructured, error) {
	r := p.Resource(c)
	dry := []string{metav1.DryRunAll}
	if c.Action == ActionCreate {
		return r.Create(ctx, c.Desired, metav1.CreateOptions{DryRun: dry, FieldManager: manager})
	}
	return r.Patch(ctx, c.ID.Name, c.PatchType, c.Patch, metav1.PatchOptions{DryRun: dry, FieldManager: manager})
}
