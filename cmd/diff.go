package cmd

import (
	"context"
	"fmt"
	"os"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/manifests"
	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// Exit codes of diff, as kubectl diff: 0 no changes, 1 changes, >1 error.
const (
	exitDiffChanges = 1
	exitDiffError   = 2
)

// diffFlags are the raw flag values of `converge diff`.
type diffFlags struct {
	manifestFlags
	schemaFlags
	pruneFlags
	Validate         string
	ServerSideDryRun bool
	Ignore           []string
	Output           string
	FieldManager     string
	Concurrency      int
	Force            bool
	ServerSide       bool
	ForceConflicts   bool
	Git              gitFlags
}

// diffOptions are validated diff settings.
type diffOptions struct {
	Load       manifests.Options
	Validation validation
	ServerSide bool
	Ignore     []diff.IgnoreRule
	Output     string
	Plan       apply.Options
	Prune      pruneOptions
	// Git, with a base, compares two revisions offline.
	Git gitFlags
}

// toOptions validates flags. It is pure.
func (f diffFlags) toOptions() (diffOptions, error) {
	var load manifests.Options
	var err error
	if f.Git.All {
		load.Paths = f.Filenames // directories --all looks in
	} else if load, err = f.manifestFlags.toOptions(); err != nil {
		return diffOptions{}, err
	}
	v, err := f.schemaFlags.validation(f.Validate)
	if err != nil {
		return diffOptions{}, err
	}
	prune, err := f.pruneFlags.toOptions()
	if err != nil {
		return diffOptions{}, err
	}
	load.AllowEmpty = prune.ApplySet != ""
	if err := checkServerSide(f.ServerSide, f.ForceConflicts, f.Force, apply.DryRunNone); err != nil {
		return diffOptions{}, err
	}
	o := diffOptions{Load: load, Validation: v, ServerSide: f.ServerSideDryRun, Output: f.Output, Prune: prune,
		Plan: apply.Options{Concurrency: f.Concurrency, FieldManager: f.FieldManager, Force: f.Force, ShowPruned: true,
			ServerSide: f.ServerSide, ForceConflicts: f.ForceConflicts}}
	if o.Ignore, err = parseIgnores(f.Ignore); err != nil {
		return diffOptions{}, err
	}
	if err := f.Git.check(f); err != nil {
		return diffOptions{}, err
	}
	o.Git = f.Git
	switch f.Output {
	case "text", "json", "markdown", "junit":
	default:
		return diffOptions{}, fmt.Errorf("invalid -o %q: use text, json, markdown or junit", f.Output)
	}
	return o, nil
}

func newDiffCommand(config *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff (-f FILENAME | -k DIR)",
		Short: "Show exactly what apply would change, object by object",
		Long: `Diff computes the same plan apply would execute and shows, for each object,
the live object against the predicted object after apply. Secret values are
never shown: only which keys change, with their lengths.

Objects that look changed are checked with a server dry run of the very
patch apply sends, so forms the server normalises (2000m for 2, args: [],
a defaulted field in an atomic list) are not shown as changes. A change the
server refuses (an immutable field, a value its validation rejects) is
shown with the server's reason, and diff exits 2.

With --git-base, diff previews a pull request offline instead: the manifests
at a git revision against the work tree (or --git-head), both rendered and
validated (bundled schemas, the CRDs of each side, --crds, --schema-location),
with no cluster. --all previews every app whose files changed; --live also
compares the head with the cluster.

Exit status, as kubectl diff: 0 no changes, 1 changes, >1 error (or a change
the server refuses, or a side of a preview that does not render or validate).`,
		Example: `  converge diff -f examples/flask
  converge diff -k overlays/prod -o markdown > comment.md
  converge diff -f app/ --server-side-dry-run --ignore Deployment:spec.replicas
  converge diff --git-base origin/main --all -o markdown > preview.md
  converge diff --git-base origin/main -k overlays/prod --live -o junit > preview.xml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.toOptions()
			if err != nil {
				return &ExitError{Code: exitDiffError, Err: err}
			}
			o.Load.Stdin = streams.In
			return runDiff(cmd.Context(), config, o, streams)
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &ExitError{Code: exitDiffError, Err: err} })
	fl := cmd.Flags()
	f.manifestFlags.add(fl, "diff")
	f.schemaFlags.add(cmd, "cluster")
	f.pruneFlags.add(fl, false)
	fl.StringVar(&f.Validate, "validate", "true", `"true": validate first and stop on any problem; "warn"; "false": skip`)
	fl.BoolVar(&f.ServerSideDryRun, "server-side-dry-run", false, "let the API server compute the predicted objects (defaulting and admission included)")
	fl.StringArrayVar(&f.Ignore, "ignore", nil, "hide a field others own: spec.replicas, /spec/replicas or Deployment:spec.replicas; repeatable")
	fl.StringVarP(&f.Output, "output", "o", "text", "output format: text (unified diff), json (change set), markdown (pull-request comment) or junit (CI test report)")
	fl.StringVar(&f.FieldManager, "field-manager", "converge", "field manager of the dry-run requests that verify changes (and of --server-side-dry-run)")
	fl.IntVar(&f.Concurrency, "concurrency", 0, "objects read at once; 0 uses the default")
	fl.BoolVar(&f.ServerSide, "server-side", false, "predict a server-side apply, with the server's dry run of it")
	fl.BoolVar(&f.ForceConflicts, "force-conflicts", false, "with --server-side, predict taking over fields other managers own")
	fl.StringVar(&f.Git.Base, "git-base", "", "compare the manifests at this git revision (origin/main, a tag, a SHA) with the work tree, offline: no cluster; for pull-request previews")
	fl.BoolVar(&f.Git.All, "all", false, "with --git-base, find every kustomization and plain manifest directory whose files changed, and preview each; -f DIR looks only in DIR")
	fl.BoolVar(&f.Git.Live, "live", false, "with --git-base, also compare the head with the cluster, through the plan apply would execute")
	fl.StringVar(&f.Git.Head, "git-head", "", "with --git-base, compare with this revision instead of the work tree")
	fl.BoolVar(&f.Force, "force", false, "show an object whose change the server refuses to make in place as deleted and re-created, as apply --force does it")
	return cmd
}

func runDiff(ctx context.Context, config *genericclioptions.ConfigFlags, o diffOptions, streams genericiooptions.IOStreams) error {
	if o.Git.Base != "" {
		return runGitDiff(ctx, config, o, streams)
	}
	fail := func(err error) error { return &ExitError{Code: exitDiffError, Err: err} }
	set, err := manifests.Load(ctx, o.Load)
	if err != nil {
		return fail(err)
	}
	set = set.Select(o.Prune.Selector)
	tuneGC(set.Len(), os.Getenv)
	printWarnings(streams.ErrOut, set)
	report, err := planReport(ctx, config, o, set, streams)
	if err != nil {
		return fail(err)
	}
	if err := writeDiff(ctx, report, o.Output, streams); err != nil {
		return fail(err)
	}
	return diffExit(report)
}

// diffExit is diff's exit status for report: 2 when the server refuses a
// change, 1 with changes, else 0.
func diffExit(report diff.Report) error {
	if report.Refused > 0 {
		return &ExitError{Code: exitDiffError, Err: fmt.Errorf("the server refuses %d change(s); nothing can be applied until they are fixed or forced", report.Refused)}
	}
	if report.HasChanges() {
		return &ExitError{Code: exitDiffChanges, Err: errChanges}
	}
	return nil
}

// planReport validates set, plans it against the cluster exactly as apply
// would, and returns the masked report of what would change.
func planReport(ctx context.Context, config *genericclioptions.ConfigFlags, o diffOptions, set manifests.Set, streams genericiooptions.IOStreams) (diff.Report, error) {
	clients, err := kube.New(config)
	if err != nil {
		return diff.Report{}, err
	}
	if err := clients.Ping(ctx); err != nil {
		return diff.Report{}, err
	}
	if err := validateSet(ctx, config, o.Validation, set, streams, "cannot diff"); err != nil {
		return diff.Report{}, err
	}
	if err := o.Prune.resolve(clients, &o.Plan); err != nil {
		return diff.Report{}, err
	}
	if memo := openMemo(clients, streams.ErrOut); memo != nil {
		o.Plan.Memo = memo
		defer saveMemo(memo, streams.ErrOut)
	}
	x, cs, err := apply.Plan(ctx, clients, set, o.Plan)
	if err != nil {
		return diff.Report{}, err
	}
	if o.ServerSide {
		if err := x.Planner.PredictOnServer(ctx, cs); err != nil {
			return diff.Report{}, err
		}
	}
	warnPlan(streams.ErrOut, cs)
	return diff.NewReport(cs, o.Ignore), nil
}

// parseIgnores reads --ignore values.
func parseIgnores(values []string) ([]diff.IgnoreRule, error) {
	var rules []diff.IgnoreRule
	for _, s := range values {
		r, err := diff.ParseIgnore(s)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// errChanges is the quiet "error" of a diff with changes: exit status 1,
// nothing printed.
var errChanges = fmt.Errorf("changes found")

func writeDiff(ctx context.Context, r diff.Report, output string, streams genericiooptions.IOStreams) error {
	switch output {
	case "json":
		return r.WriteJSON(streams.Out)
	case "markdown":
		return r.WriteMarkdown(streams.Out)
	case "junit":
		return r.WriteJUnit(streams.Out)
	}
	if ext := os.Getenv(diff.ExternalDiffEnv); ext != "" {
		return r.WriteExternal(ctx, ext, streams.Out, streams.ErrOut)
	}
	f, ok := streams.Out.(*os.File)
	return r.WriteText(streams.Out, ok && term.IsTerminal(int(f.Fd())))
}
