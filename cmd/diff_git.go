package cmd

import (
	"context"
	"fmt"

	"github.com/convergehq/converge/preview"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// gitFlags are diff's flags for comparing two git revisions.
type gitFlags struct {
	Base, Head string
}

// check refuses flags that need a cluster in an offline diff.
func (g gitFlags) check(f diffFlags) error {
	switch {
	case g.Base == "" && g.Head != "":
		return fmt.Errorf("--git-head needs --git-base: name the revision to compare from")
	case g.Base == "":
		return nil
	case f.Prune || f.ServerSide || f.ServerSideDryRun || f.Force:
		return fmt.Errorf("--git-base compares two revisions offline: --prune, --server-side, --server-side-dry-run and --force need a cluster")
	case len(f.Filenames) == 1 && f.Filenames[0] == "-":
		return fmt.Errorf("--git-base reads the paths at each revision: pass files or directories of the work tree, not -f -")
	}
	return nil
}

// runGitDiff is `converge diff --git-base REF`: the change between two
// revisions, offline, with diff's exit codes (0 none, 1 changes, 2 error,
// including a side that does not render or validate).
func runGitDiff(ctx context.Context, o diffOptions, streams genericiooptions.IOStreams) error {
	res, err := preview.Run(ctx, preview.Options{Load: o.Load, Base: o.Git.Base, Head: o.Git.Head,
		Validate: o.Validation.Validate, KubernetesVersion: o.Validation.Schemas.Version})
	if err != nil {
		return &ExitError{Code: exitDiffError, Err: err}
	}
	if err := writeDiff(ctx, res.Report, o.Output, streams); err != nil {
		return &ExitError{Code: exitDiffError, Err: err}
	}
	if res.Report.HasChanges() {
		return &ExitError{Code: exitDiffChanges, Err: errChanges}
	}
	return nil
}
