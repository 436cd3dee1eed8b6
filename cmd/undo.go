package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/history"
	"github.com/convergehq/converge/schemas"
	gsync "github.com/convergehq/converge/sync"
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// undoFlags are the raw flag values of `converge undo`.
type undoFlags struct {
	ApplySet       string
	ToRevision     int
	DryRun         string
	Wait           bool
	Timeout        time.Duration
	PruneAllow     []string
	Cascade        string
	HistoryLimit   int
	Validate       string
	ForceConflicts bool
}

// undoOptions are validated undo settings.
type undoOptions struct {
	ApplySet   string
	ToRevision int
	// Apply holds the dry run, wait and prune settings; undo fills in
	// the rest from the revision.
	Apply        apply.Options
	HistoryLimit int
	Validate     bool
}

// toOptions validates the flags. It is pure.
func (f undoFlags) toOptions() (undoOptions, error) {
	if f.ApplySet == "" {
		return undoOptions{}, fmt.Errorf("--applyset NAME is required: undo goes back to a recorded revision of that ApplySet")
	}
	if f.ToRevision < 0 {
		return undoOptions{}, fmt.Errorf("invalid --to-revision %d: use a revision number that converge history lists, or 0 for the one before the current", f.ToRevision)
	}
	dry, err := parseDryRun(f.DryRun)
	if err != nil {
		return undoOptions{}, err
	}
	prune, err := pruneFlags{Prune: true, ApplySet: f.ApplySet, Allow: f.PruneAllow, Cascade: f.Cascade}.toOptions()
	if err != nil {
		return undoOptions{}, err
	}
	if f.HistoryLimit < 0 {
		return undoOptions{}, fmt.Errorf("invalid --history-limit %d: use a positive number of revisions, or 0 to keep them all", f.HistoryLimit)
	}
	validate, _, err := parseValidate(f.Validate)
	if err != nil {
		return undoOptions{}, err
	}
	return undoOptions{
		ApplySet: f.ApplySet, ToRevision: f.ToRevision, HistoryLimit: f.HistoryLimit, Validate: validate,
		Apply: apply.Options{DryRun: dry, Wait: f.Wait, ForceConflicts: f.ForceConflicts, Timeout: f.Timeout, PruneAllow: prune.Allow, Cascade: prune.Cascade,
			PruneAllowEmpty: true, Version: version},
	}, nil
}

func newUndoCommand(config *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	f := undoFlags{}
	cmd := &cobra.Command{
		Use:   "undo --applyset NAME [--to-revision N]",
		Short: "Go back to an earlier revision of an ApplySet, as kubectl rollout undo does for a whole set",
		Long: `undo applies the set a recorded revision applied, exactly as it was, prunes the
members that revision did not have, and records the result as a new
revision (an undo of N): revision numbers roll forward, as kubectl rollout
undo's do. It shows the diff first.

Afterwards every object's last-applied annotation equals what revision N
applied, so the next converge apply or kubectl apply of any manifests
computes the right patch.

Without --to-revision, it goes back to the latest revision before the
current one that did not fail.`,
		Example: `  converge undo --applyset flask
  converge undo --applyset flask --to-revision 1 --dry-run
  converge undo --applyset shop -n shop --wait`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.toOptions()
			if err != nil {
				return err
			}
			return runUndo(cmd.Context(), config, o, streams)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.ApplySet, "applyset", "", "the ApplySet: NAME (a Secret in the namespace), configmaps/NAME or KIND.GROUP/NAME")
	fl.IntVar(&f.ToRevision, "to-revision", 0, "the revision to go back to; 0 means the one before the current")
	fl.StringVar(&f.DryRun, "dry-run", "none", `"none", "client" (show the diff only) or "server" (also send with dryRun=All)`)
	fl.Lookup("dry-run").NoOptDefVal = string(apply.DryRunClient)
	fl.BoolVar(&f.Wait, "wait", false, "after applying, wait until every applied object is healthy")
	fl.DurationVar(&f.Timeout, "timeout", 0, "how long --wait waits (0 means 5m)")
	fl.StringSliceVar(&f.PruneAllow, "prune-allow", nil, "kinds the undo may prune although that deletes everything inside them: namespaces, customresourcedefinitions")
	fl.StringVar(&f.Cascade, "cascade", "background", `how a pruned object's dependents go: "background", "foreground" or "orphan"`)
	fl.IntVar(&f.HistoryLimit, "history-limit", history.DefaultLimit, "how many revisions of the set to keep (0 keeps all)")
	fl.BoolVar(&f.ForceConflicts, "force-conflicts", false, "for a revision applied server-side, take over fields other managers own now instead of failing")
	fl.StringVar(&f.Validate, "validate", "true", `"true": check the recorded set against the cluster's schemas first and apply nothing if any object no longer fits; "false": skip`)
	return cmd
}

func runUndo(ctx context.Context, config *genericclioptions.ConfigFlags, o undoOptions, streams genericiooptions.IOStreams) error {
	// A recorded set may name kinds the cluster serves no more: read the
	// API's kinds and schemas afresh, not from the discovery cache.
	if dc, err := config.ToDiscoveryClient(); err == nil {
		dc.Invalidate()
	}
	clients, store, err := historyStore(ctx, config, o.ApplySet)
	if err != nil {
		return err
	}
	revs, err := store.List(ctx)
	if err != nil {
		return err
	}
	target, err := history.Target(store, revs, o.ToRevision)
	if err != nil {
		return err
	}
	rev, set, err := history.Load(ctx, store, target.Number)
	if err != nil {
		return err
	}
	fmt.Fprintf(streams.ErrOut, "going back to revision %d of applyset %s (%s)\n", rev.Number, store.Parent, oneCause(rev))
	v := validation{Validate: o.Validate, Schemas: schemaOptions{Live: true, Validate: schemas.Options{Strict: true}}}
	if err := validateSet(ctx, config, v, set, streams, "nothing was applied: revision "+fmt.Sprint(rev.Number)+" no longer fits the cluster"); err != nil {
		return err
	}
	parent := store.Parent
	o.Apply.ApplySet = &parent
	o.Apply.Planned = func(cs diff.ChangeSet) { printUndoPlan(streams, cs) }
	if o.Apply.DryRun == apply.DryRunNone {
		o.Apply.Progress = progressPrinter(streams.Out, "", "")
	}
	var waiting *waitPrinter
	if o.Apply.Wait {
		waiting = newWaitPrinter(streams.ErrOut)
		o.Apply.WaitProgress = waiting.update
	}
	if err := markUndo(ctx, store, o.Apply.DryRun); err != nil {
		return err
	}
	_, saved, err := history.Undo(ctx, clients, rev, set, history.UndoOptions{Apply: o.Apply, Limit: o.HistoryLimit, Warn: warner(streams.ErrOut)})
	if waiting != nil {
		waiting.finish()
	}
	if saved != nil {
		fmt.Fprintf(streams.ErrOut, "recorded revision %d: undo of revision %d\n", saved.Number, rev.Number)
	}
	if err == nil && o.Apply.DryRun != apply.DryRunNone {
		fmt.Fprintln(streams.ErrOut, "dry run: nothing was applied")
	}
	return err
}

// markUndo tells a sync of the set, if there is one, that an undo is
// under way, before the undo writes anything: so sync never heals it away,
// and pins it.
func markUndo(ctx context.Context, store history.Store, dry apply.DryRun) error {
	if dry != apply.DryRunNone {
		return nil
	}
	if _, synced, err := gsync.ReadStatus(ctx, store); err != nil || !synced {
		return err
	}
	return gsync.WriteUndo(ctx, store, time.Now())
}

// printUndoPlan prints the diff an undo is about to apply, masked.
func printUndoPlan(streams genericiooptions.IOStreams, cs diff.ChangeSet) {
	warnPlan(streams.ErrOut, cs)
	report := diff.NewReport(cs, nil)
	if !report.HasChanges() {
		fmt.Fprintln(streams.Out, "the cluster already matches that revision")
		return
	}
	_ = report.WriteText(streams.Out, false)
	fmt.Fprintln(streams.Out)
}

// oneCause is a revision's change-cause, for a message.
func oneCause(r history.Revision) string {
	if r.ChangeCause == "" {
		return "no change-cause"
	}
	return fmt.Sprintf("%q", r.ChangeCause)
}
