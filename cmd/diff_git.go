package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/convergehq/converge/internal/junit"
	"github.com/convergehq/converge/preview"
	"github.com/convergehq/converge/schemas"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// gitFlags are diff's flags for comparing two git revisions.
type gitFlags struct {
	Base, Head string
	// All previews every app that changed, instead of -f or -k; -f then
	// names the directories to look in.
	All bool
	// Live also compares the head with the cluster.
	Live bool
}

// check refuses flags that need a cluster in an offline diff.
func (g gitFlags) check(f diffFlags) error {
	switch {
	case g.Base == "" && (g.Head != "" || g.All):
		return fmt.Errorf("--git-head and --all need --git-base: name the revision to compare from")
	case g.All && f.Kustomize != "":
		return fmt.Errorf("--all finds the apps itself: leave out -k, or give -f the directories to look in")
	case g.Base == "" && g.Live:
		return fmt.Errorf("--live needs --git-base: without it, converge diff compares with the cluster already")
	case g.Base == "":
		return nil
	case g.Live && g.All:
		return fmt.Errorf("--live compares one app with the current context: pass -f or -k instead of --all")
	case !g.Live && (f.Prune || f.ServerSide || f.ServerSideDryRun || f.Force):
		return fmt.Errorf("--git-base compares two revisions offline: --prune, --server-side, --server-side-dry-run and --force need a cluster; add --live to also compare the head with it")
	case len(f.Filenames) == 1 && f.Filenames[0] == "-":
		return fmt.Errorf("--git-base reads the paths at each revision: pass files or directories of the work tree, not -f -")
	}
	return nil
}

// runGitDiff is `converge diff --git-base REF`: the change between two
// revisions, offline, with diff's exit codes (0 none, 1 changes, 2 error,
// including a side that does not render or validate).
func runGitDiff(ctx context.Context, config *genericclioptions.ConfigFlags, o diffOptions, streams genericiooptions.IOStreams) error {
	if o.Git.All {
		return runGitDiffAll(ctx, config, o, streams)
	}
	fail := func(err error) error {
		if o.Output == "junit" {
			// CI reads the report: the problems are its failures.
			suite := preview.FailedSuite("converge diff --git-base "+o.Git.Base, strings.Join(inputPaths(o.Load), " "), err)
			if werr := junit.Write(streams.Out, suite); werr != nil {
				err = errors.Join(err, werr)
			}
		}
		return &ExitError{Code: exitDiffError, Err: err}
	}
	po, err := previewOptions(ctx, config, o)
	if err != nil {
		return fail(err)
	}
	po.Load = o.Load
	res, err := preview.Run(ctx, po)
	if err != nil {
		return fail(err)
	}
	if o.Git.Live {
		live, err := livePlan(ctx, config, o, res, streams)
		if err != nil {
			return fail(err)
		}
		return writeLive(ctx, config, o, res, live, streams)
	}
	if err := writeDiff(ctx, res.Report, o.Output, streams); err != nil {
		return &ExitError{Code: exitDiffError, Err: err}
	}
	if res.Report.HasChanges() {
		return &ExitError{Code: exitDiffChanges, Err: errChanges}
	}
	return nil
}

// previewOptions are the preview's settings: the revisions, and the
// schemas that validate both sides, read once for every side and app:
// the bundled ones plus --crds and --schema-location, or with --live those
// diff uses against the cluster (its own schemas by default).
func previewOptions(ctx context.Context, config *genericclioptions.ConfigFlags, o diffOptions) (preview.Options, error) {
	po := preview.Options{Base: o.Git.Base, Head: o.Git.Head, Validate: o.Validation.Validate, HeadMustExist: o.Git.Live}
	if !o.Validation.Validate {
		return po, nil
	}
	so := o.Validation.Schemas
	vo := so.Validate
	var cat *schemas.Catalog
	var err error
	if o.Git.Live {
		cat, err = so.base(ctx, config)
	} else {
		// Offline, a kind without a schema is a problem unless the user
		// says otherwise: there is no planner to name it later.
		vo.IgnoreMissingSchemas = so.IgnoreMissing
		cat, err = so.offline(ctx)
	}
	if err != nil {
		return po, fmt.Errorf("schemas: %w", err)
	}
	po.Catalog, po.Schemas = cat, &vo
	return po, nil
}

// runGitDiffAll previews every app that changed, one section each; an app
// that fails is reported and makes the exit code 2, after the others.
func runGitDiffAll(ctx context.Context, config *genericclioptions.ConfigFlags, o diffOptions, streams genericiooptions.IOStreams) error {
	po, err := previewOptions(ctx, config, o)
	if err != nil {
		return &ExitError{Code: exitDiffError, Err: err}
	}
	po.Load = o.Load // the directories to look in; none is the repository
	results, err := preview.RunAll(ctx, po)
	if err != nil {
		return &ExitError{Code: exitDiffError, Err: err}
	}
	if err := preview.WriteAll(streams.Out, results, o.Output); err != nil {
		return &ExitError{Code: exitDiffError, Err: err}
	}
	failed, changed := 0, false
	for _, r := range results {
		if r.Err != nil {
			failed++
			fmt.Fprintf(streams.ErrOut, "error: %s: %s\n", r.App.Path, r.Err.Error())
		}
		// A chart that changed is a change, though it has no preview.
		changed = changed || r.Report.HasChanges() || r.Skipped != ""
	}
	switch {
	case failed > 0:
		return &ExitError{Code: exitDiffError, Err: fmt.Errorf("%d app(s) do not render or validate", failed)}
	case changed:
		return &ExitError{Code: exitDiffChanges, Err: errChanges}
	}
	return nil
}
