package preview

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
	"github.com/convergehq/converge/schemas"
	gsync "github.com/convergehq/converge/sync"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// Options configure a preview.
type Options struct {
	// Load says what to render, with paths as the user gave them, relative
	// to the current directory inside the work tree. Stdin is not allowed.
	Load manifests.Options
	// Base is the revision to compare from: a branch, tag, SHA or any
	// revision go-git resolves (origin/main, HEAD~1).
	Base string
	// Head is the revision to compare to; "" means the work tree as it is.
	Head string
	// Dir is a directory inside the work tree; "" means the current one.
	Dir string
	// KubernetesVersion picks the bundled schemas that validate both
	// sides ("" the newest), when Catalog is nil.
	KubernetesVersion string
	// Catalog, when set, validates both sides instead, such as the
	// bundled schemas plus --crds and --schema-location; each side's
	// own CRDs are added to it.
	Catalog *schemas.Catalog
	// Validate checks both sides; problems make the preview fail.
	Validate bool
	// Schemas tune validation; nil checks strictly, every kind needing a
	// schema.
	Schemas *schemas.Options
	// HeadMustExist fails a preview whose paths are missing at the head,
	// which otherwise count as empty: comparing the head with a cluster
	// needs it whole.
	HeadMustExist bool
}

// Result is a preview: the change from base to head, masked.
type Result struct {
	Report diff.Report
	// Base and Head name the two sides, as "base abc1234" and "head
	// (work tree)".
	Base, Head string
	// HeadSet is the head as rendered, to compare with a cluster.
	HeadSet manifests.Set
}

// ProblemsError is a side that does not render or validate: each problem
// is located as path:line at that revision.
type ProblemsError struct {
	Side     string
	Problems []string
	// needsHelm is a kustomization that inflates Helm charts.
	needsHelm bool
}

// Error names the side and lists the problems.
func (e *ProblemsError) Error() string {
	return fmt.Sprintf("%s: %d problem(s):\n  %s", e.Side, len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// Run renders opts at Base and at Head with the same loaders, validates
// both, and compares them, offline: no cluster and no network.
func Run(ctx context.Context, opts Options) (Result, error) {
	repo, root, err := open(opts.Dir)
	if err != nil {
		return Result{}, err
	}
	load, err := relative(opts.Load, root, opts.Dir)
	if err != nil {
		return Result{}, err
	}
	baseFS, baseName, err := revisionFS(repo, opts.Base)
	if err != nil {
		return Result{}, err
	}
	headFS, headName, err := headSide(repo, root, opts.Head, load)
	if err != nil {
		return Result{}, err
	}
	if opts.HeadMustExist {
		if err := mustExist(headFS, headName, load); err != nil {
			return Result{}, err
		}
	}
	base, err := render(ctx, load, baseFS, baseName, opts)
	if err != nil {
		return Result{}, err
	}
	head, err := render(ctx, load, headFS, headName, opts)
	if err != nil {
		return Result{}, err
	}
	report := diff.NewReport(diff.Compare(base.Objects, head.Objects), nil).Relabel(baseName, headName)
	return Result{Report: report, Base: baseName, Head: headName, HeadSet: head}, nil
}

// headSide is the revision head, or the work tree as a pull request holds
// it when head is "". A path of load that git ignores is an error: it
// would silently be empty.
func headSide(repo *git.Repository, root, head string, load manifests.Options) (fs.FS, string, error) {
	if head != "" {
		return revisionFS(repo, head)
	}
	wt, err := workTreeFS(repo, root)
	if err != nil {
		return nil, "", err
	}
	for _, p := range append(slices.Clone(load.Paths), load.Kustomize) {
		if p != "" && wt.hides(p) {
			return nil, "", fmt.Errorf("%s is ignored by git (.gitignore), so a pull request does not hold it; commit it (git add -f), or stop ignoring it", p)
		}
	}
	return wt, "head (work tree)", nil
}

// open finds the repository holding dir.
func open(dir string) (*git.Repository, string, error) {
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, "", err
	}
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, "", fmt.Errorf("%s is not in a git work tree: %w; run converge diff --git-base in a checkout", abs, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", abs, err)
	}
	return repo, wt.Filesystem.Root(), nil
}

// relative makes the paths of load relative to the repository root.
func relative(load manifests.Options, root, dir string) (manifests.Options, error) {
	base, err := filepath.Abs(dir)
	if err != nil {
		return load, err
	}
	rel := func(p string) (string, error) {
		if p == "-" {
			return "", errors.New("-f - (stdin) has no git revisions: pass files or directories of the work tree")
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		r, err := filepath.Rel(root, p)
		if err != nil || strings.HasPrefix(r, "..") {
			return "", fmt.Errorf("%s is outside the repository at %s", p, root)
		}
		return filepath.ToSlash(r), nil
	}
	out := load
	out.Paths = nil
	for _, p := range load.Paths {
		r, err := rel(p)
		if err != nil {
			return load, err
		}
		out.Paths = append(out.Paths, r)
	}
	if load.Kustomize != "" {
		if out.Kustomize, err = rel(load.Kustomize); err != nil {
			return load, err
		}
	}
	out.AllowEmpty = true // a side may not have the path yet
	return out, nil
}

// revisionFS is the tree of revision rev.
func revisionFS(repo *git.Repository, rev string) (fs.FS, string, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, "", fmt.Errorf("git revision %q: %w; fetch it first (actions/checkout with fetch-depth: 0), or name a branch, tag or SHA", rev, err)
	}
	c, err := repo.CommitObject(*h)
	if err != nil {
		return nil, "", fmt.Errorf("git revision %q: %w", rev, err)
	}
	tree, err := gsync.NewTreeFS(repo.Storer, c)
	if err != nil {
		return nil, "", err
	}
	return tree, fmt.Sprintf("%s (%s)", rev, h.String()[:7]), nil
}

// render loads load from fsys and validates it; a side where the path
// does not exist is empty.
func render(ctx context.Context, load manifests.Options, fsys fs.FS, side string, opts Options) (manifests.Set, error) {
	load.FS = fsys
	load.Paths = existing(fsys, load.Paths)
	if load.Kustomize != "" {
		if _, err := fs.Stat(fsys, load.Kustomize); err != nil {
			return manifests.Set{}, nil
		}
	} else if len(load.Paths) == 0 {
		return manifests.Set{}, nil
	}
	set, err := manifests.Load(ctx, load)
	if le, ok := errors.AsType[*manifests.LoadError](err); ok {
		return set, problems(side, le.Problems)
	}
	if err != nil || !opts.Validate {
		return set, err
	}
	return set, validate(ctx, set, side, opts)
}

// mustExist fails when a path of load is missing from fsys.
func mustExist(fsys fs.FS, side string, load manifests.Options) error {
	paths := load.Paths
	if load.Kustomize != "" {
		paths = []string{load.Kustomize}
	}
	for _, p := range paths {
		if _, err := fs.Stat(fsys, p); err != nil {
			return fmt.Errorf("%s: %s does not exist; the head must hold every path to compare it with the cluster", side, p)
		}
	}
	return nil
}

// existing keeps the paths that fsys has.
func existing(fsys fs.FS, paths []string) []string {
	var out []string
	for _, p := range paths {
		if _, err := fs.Stat(fsys, p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func problems(side string, ps []manifests.Problem) error {
	e := &ProblemsError{Side: side}
	for _, p := range ps {
		e.Problems = append(e.Problems, p.Error())
		e.needsHelm = e.needsHelm || p.NeedsHelm
	}
	return e
}

// validate checks set against opts' schemas and the set's own CRDs.
func validate(ctx context.Context, set manifests.Set, side string, opts Options) error {
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = schemas.Bundled(opts.KubernetesVersion); err != nil {
			return err
		}
	}
	vo := schemas.Options{Strict: true}
	if opts.Schemas != nil {
		vo = *opts.Schemas
	}
	ps := cat.CheckSet(ctx, set, vo)
	if len(ps) == 0 {
		return nil
	}
	e := &ProblemsError{Side: side}
	for _, p := range ps {
		e.Problems = append(e.Problems, p.Error())
	}
	return e
}
