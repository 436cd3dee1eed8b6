package history

import (
	"context"
	"fmt"
	"regexp"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/manifests"
)

// Target picks the revision an undo goes back to: to, when it is recorded,
// or, when to is 0, the latest revision before the current one that did
// not fail. revs are oldest first.
func Target(store Store, revs []Revision, to int) (Revision, error) {
	nf := &NotFoundError{Parent: store.Parent, Number: to}
	for _, r := range revs {
		nf.Available = append(nf.Available, r.Number)
	}
	if to != 0 {
		for _, r := range revs {
			if r.Number == to {
				return r, nil
			}
		}
		return Revision{}, nf
	}
	for i := len(revs) - 2; i >= 0; i-- {
		if revs[i].Result != ResultFailed {
			return revs[i], nil
		}
	}
	if len(revs) == 0 {
		return Revision{}, nf
	}
	return Revision{}, fmt.Errorf("applyset %s has no revision to go back to before revision %d: pass --to-revision N (converge history --applyset %s lists them)",
		store.Parent, revs[len(revs)-1].Number, store.Parent.Name)
}

// Load reads revision n's set, ready to apply again: each object's origin
// names the revision and the file it was read from.
func Load(ctx context.Context, store Store, n int) (Revision, manifests.Set, error) {
	rev, objs, err := store.Get(ctx, n)
	if err != nil {
		return rev, manifests.Set{}, err
	}
	set := manifests.Set{Objects: objs, Refs: make([]manifests.Ref, len(objs))}
	for i := range objs {
		file := revisionPrefix.ReplaceAllString(objs[i].Origin.File, "")
		objs[i].Origin.File = fmt.Sprintf("revision %d: %s", n, file)
		set.Refs[i] = manifests.Ref{ID: objs[i].ID(), Origin: objs[i].Origin}
	}
	return rev, set, nil
}

// revisionPrefix is what Load puts before an origin's file.
var revisionPrefix = regexp.MustCompile(`^revision \d+: `)

// UndoOptions configure an undo.
type UndoOptions struct {
	// Apply configures the apply: ApplySet, DryRun, Wait and the prune
	// settings. The revision's own settings (namespace, server-side, field
	// manager, selector) and change-cause replace the ones given.
	Apply apply.Options
	// Limit is how many revisions to keep; 0 keeps all.
	Limit int
	// Warn, when set, is told of problems that do not fail the undo.
	Warn func(string)
	// ChunkSize bounds the compressed set per Secret; 0 means
	// DefaultChunkSize.
	ChunkSize int
}

// Undo applies the recorded set of rev (read by Load) again, pruning what
// it did not hold, and records that as a new revision, an undo of rev: the
// numbers roll forward, as kubectl rollout undo's do. Every object's
// last-applied annotation then equals what rev applied.
func Undo(ctx context.Context, clients *kube.Clients, rev Revision, set manifests.Set, opts UndoOptions) (apply.Result, *Revision, error) {
	c := *clients
	c.Namespace, c.NamespaceExplicit = rev.Settings.Namespace, false
	a := opts.Apply
	a.ServerSide, a.FieldManager, a.Selector = rev.Settings.ServerSide, rev.Settings.FieldManager, rev.Settings.Selector
	// --force-conflicts only means something to a server-side apply.
	a.ForceConflicts = rev.Settings.ServerSide && (a.ForceConflicts || rev.Settings.ForceConflicts)
	a.ChangeCause = rev.ChangeCause
	return Apply(ctx, &c, set, ApplyOptions{Apply: a, Source: rev.Source, Limit: opts.Limit, UndoOf: rev.Number, ChunkSize: opts.ChunkSize, Warn: opts.Warn})
}

// Show reads revision n and the revision recorded before it, and compares
// their sets, masked.
func Show(ctx context.Context, store Store, n int) (Details, error) {
	revs, err := store.List(ctx)
	if err != nil {
		return Details{}, err
	}
	rev, head, err := store.Get(ctx, n)
	if err != nil {
		return Details{}, err
	}
	var base *Revision
	var baseSet []manifests.Object
	for i := len(revs) - 1; i >= 0; i-- {
		if revs[i].Number < n {
			b, objs, err := store.Get(ctx, revs[i].Number)
			if err != nil {
				return Details{}, err
			}
			base, baseSet = &b, objs
			break
		}
	}
	return NewDetails(rev, base, baseSet, head), nil
}
