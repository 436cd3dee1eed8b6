package diff

import (
	"context"
	"errors"

	"github.com/convergehq/converge/internal/parallel"
	"github.com/convergehq/converge/manifests"
)

// PredictOnServer replaces the locally predicted objects of cs with what the
// API server returns for the same create or patch sent with dryRun=All, so
// defaulting and admission are included. It sends exactly the requests
// apply would send; changes a server dry run already settled are not sent
// again.
func (p *Planner) PredictOnServer(ctx context.Context, cs ChangeSet) error {
	errs := make([]error, len(cs.Changes))
	parallel.Do(p.concurrency(), len(cs.Changes), func(i int) {
		c := &cs.Changes[i]
		if (c.Action != ActionCreate && c.Action != ActionConfigure) || c.Check == CheckServer {
			return
		}
		pred, err := p.dryRun(ctx, *c)
		if err != nil {
			errs[i] = &manifests.ObjectError{ID: c.ID, Origin: c.Origin, Op: "server dry run", Err: err}
			return
		}
		c.Predicted, c.Check = pred, CheckServer
	})
	return errors.Join(errs...)
}
