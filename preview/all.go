package preview

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// App is one thing --all previews: a kustomization root, or a directory
// of plain manifests that no kustomization holds.
type App struct {
	Path      string `json:"path"`
	Kustomize bool   `json:"kustomization"`
	// Chart is a Helm chart: listed when it changed, never rendered.
	Chart bool `json:"helmChart,omitempty"`
}

// chartNote is why a changed Helm chart has no preview.
const chartNote = "a Helm chart, not previewed: converge renders manifests, not charts (render it with helm template into a directory and preview that)"

// baseHelmNote says why every object of an app shows as created.
const baseHelmNote = "the base inflates Helm charts (helmCharts), which converge does not render: every object of the head shows as created"

// helmChartsNote is why a kustomization with helmCharts has no preview.
const helmChartsNote = "uses helmCharts, not previewed: inflating a chart runs helm, which converge does not (render it with kustomize build --enable-helm or helm template into a directory and preview that)"

// AppResult is one app's preview, or why it failed.
type AppResult struct {
	App    App
	Report diff.Report
	Err    error
	// Skipped says why a changed app has no preview, such as a Helm
	// chart.
	Skipped string
	// Note qualifies a preview, such as a base that could not be
	// rendered.
	Note string
	// empty is a plain directory with no Kubernetes object on either
	// side, such as a docker-compose.yaml's: not an app.
	empty bool
}

// side is one revision: its files, their blob hashes, and its name.
type side struct {
	fs     fs.FS
	hashes map[string]plumbing.Hash
	name   string
}

// RunAll finds every app that changed between Base and Head (a
// kustomization changed when any file under a root it reaches changed, its
// bases and components included; a plain directory when one of its files
// did) and previews each; with opts.Load.Paths, only the apps at or
// below those directories. An app that fails does not stop the others. A
// directory whose YAML holds no Kubernetes object on either side (CI
// configuration, docker-compose, Ansible) is not an app; a Helm chart (a
// directory with Chart.yaml) that changed is listed, not previewed.
func RunAll(ctx context.Context, opts Options) ([]AppResult, error) {
	repo, root, err := open(opts.Dir)
	if err != nil {
		return nil, err
	}
	scope, err := relative(opts.Load, root, opts.Dir)
	if err != nil {
		return nil, err
	}
	base, err := revisionSide(repo, opts.Base)
	if err != nil {
		return nil, err
	}
	head, err := workTreeSide(repo, root)
	if opts.Head != "" {
		head, err = revisionSide(repo, opts.Head)
	}
	if err != nil {
		return nil, err
	}
	changed := changedPaths(base.hashes, head.hashes)
	var out []AppResult
	apps := discover(base.fs, head.fs)
	for _, app := range apps {
		if !inScope(app.Path, scope.Paths) || !app.changed(changed, apps, base.fs, head.fs) {
			continue
		}
		if r := previewApp(ctx, app, base, head, opts); r.Err != nil || !r.empty {
			out = append(out, r)
		}
	}
	return out, nil
}

// inScope reports whether dir is at or below one of roots; no roots is
// the whole repository.
func inScope(dir string, roots []string) bool {
	return len(roots) == 0 || slices.Contains(roots, dir) || under(dir, roots)
}

func revisionSide(repo *git.Repository, rev string) (side, error) {
	fsys, name, err := revisionFS(repo, rev)
	if err != nil {
		return side{}, err
	}
	h, _ := repo.ResolveRevision(plumbing.Revision(rev))
	c, err := repo.CommitObject(*h)
	if err != nil {
		return side{}, err
	}
	tree, err := c.Tree()
	if err != nil {
		return side{}, err
	}
	hashes := map[string]plumbing.Hash{}
	err = tree.Files().ForEach(func(f *object.File) error {
		hashes[f.Name] = f.Hash
		return nil
	})
	return side{fs: fsys, hashes: hashes, name: name}, err
}

// workTreeSide hashes the work tree's files as git would.
func workTreeSide(repo *git.Repository, root string) (side, error) {
	fsys, err := workTreeFS(repo, root)
	if err != nil {
		return side{}, err
	}
	hashes := map[string]plumbing.Hash{}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != "." && strings.HasPrefix(d.Name(), "."):
			return fs.SkipDir // .git, and hidden tooling
		case !d.Type().IsRegular():
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		hashes[p] = plumbing.ComputeHash(plumbing.BlobObject, data)
		return nil
	})
	return side{fs: fsys, hashes: hashes, name: "head (work tree)"}, err
}

// changedPaths are the files added, removed or changed.
func changedPaths(base, head map[string]plumbing.Hash) []string {
	var out []string
	for p, h := range head {
		if base[p] != h {
			out = append(out, p)
		}
	}
	for p := range base {
		if _, ok := head[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// previewApp renders one app on both sides and compares them. A Helm
// chart, or a head that inflates charts with helmCharts, is not
// previewed; a base that did is shown as empty, with a note.
func previewApp(ctx context.Context, app App, base, head side, opts Options) AppResult {
	res := AppResult{App: app}
	if app.Chart {
		res.Skipped = chartNote
		return res
	}
	load := manifests.Options{AllowEmpty: true}
	if app.Kustomize {
		load.Kustomize = app.Path
	} else {
		load.Paths, load.SkipNonK8s = []string{app.Path}, true
	}
	b, berr := render(ctx, load, base.fs, base.name, opts)
	h, herr := render(ctx, load, head.fs, head.name, opts)
	switch {
	case needsHelm(herr):
		res.Skipped = helmChartsNote
		return res
	case herr != nil:
		res.Err = herr
		return res
	case needsHelm(berr):
		b, res.Note = manifests.Set{}, baseHelmNote
	case berr != nil:
		res.Err = berr
		return res
	}
	res.Report = diff.NewReport(diff.Compare(b.Objects, h.Objects), nil).Relabel(base.name, head.name)
	res.empty = !app.Kustomize && len(b.Objects) == 0 && len(h.Objects) == 0
	return res
}

// needsHelm reports whether err is a kustomization's helmCharts, which
// converge does not inflate.
func needsHelm(err error) bool {
	pe, ok := errors.AsType[*ProblemsError](err)
	return ok && pe.needsHelm
}
