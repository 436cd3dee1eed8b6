package preview

import (
	"bytes"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/convergehq/converge/manifests"
)

// discover lists the apps of either side, by path: kustomization roots,
// directories of plain manifests no kustomization holds, and Helm charts
// (whose templates, subcharts and CRDs are not manifests until helm
// renders them; other directories below a chart are walked as usual).
func discover(sides ...fs.FS) []App {
	apps := map[string]App{}
	for _, fsys := range sides {
		var kusts, charts []string
		_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil || !d.IsDir():
				return nil
			case p != "." && strings.HasPrefix(d.Name(), "."):
				return fs.SkipDir // hidden tooling
			case inChart(p, charts):
				return fs.SkipDir
			}
			if isChart(fsys, p) && !under(p, kusts) {
				charts = append(charts, p)
				apps[p] = App{Path: p, Chart: true}
				return nil
			}
			if manifests.IsKustomization(fsys, p) {
				kusts = append(kusts, p)
				apps[p] = App{Path: p, Kustomize: true}
			} else if !under(p, kusts) && hasManifests(fsys, p) && !(under(p, charts) && hasTemplates(fsys, p)) {
				apps[p] = App{Path: p}
			}
			return nil
		})
	}
	out := make([]App, 0, len(apps))
	for _, a := range apps {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b App) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// isChart reports whether dir is a Helm chart.
func isChart(fsys fs.FS, dir string) bool {
	_, err := fs.Stat(fsys, path.Join(dir, "Chart.yaml"))
	return err == nil
}

// chartDirs are the directories of a chart that helm renders or copies.
var chartDirs = []string{"templates", "charts", "crds"}

// inChart reports whether p is, or is inside, a directory helm owns in
// one of charts.
func inChart(p string, charts []string) bool {
	for _, c := range charts {
		rest, ok := strings.CutPrefix(p, c+"/")
		if c == "." {
			rest, ok = p, p != "."
		}
		if ok && slices.Contains(chartDirs, strings.Split(rest, "/")[0]) {
			return true
		}
	}
	return false
}

// under reports whether p is inside one of roots.
func under(p string, roots []string) bool {
	for _, r := range roots {
		if r == "." || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}

// hasManifests reports whether dir has a manifest file that looks like a
// Kubernetes object, naming an apiVersion and a kind: a directory of
// tsconfig.json or docker-compose.yaml is not an app.
func hasManifests(fsys fs.FS, dir string) bool {
	return anyManifestFile(fsys, dir, func(data []byte) bool {
		return bytes.Contains(data, []byte("apiVersion")) && bytes.Contains(data, []byte("kind"))
	})
}

// hasTemplates reports whether a manifest file of dir holds a template
// action ({{ }}): below a chart, such a directory is the chart's (files
// it reads with .Files), not an app.
func hasTemplates(fsys fs.FS, dir string) bool {
	return anyManifestFile(fsys, dir, func(data []byte) bool { return bytes.Contains(data, []byte("{{")) })
}

// anyManifestFile reports whether match holds for the content of a
// manifest file directly in dir.
func anyManifestFile(fsys fs.FS, dir string, match func([]byte) bool) bool {
	entries, _ := fs.ReadDir(fsys, dir)
	for _, e := range entries {
		if e.IsDir() || !manifests.IsManifestFile(e.Name()) {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err == nil && match(data) {
			return true
		}
	}
	return false
}

// owns reports whether one of apps, other than a chart, reads the files
// of directory dir.
func owns(apps []App, dir string) bool {
	return slices.ContainsFunc(apps, func(a App) bool {
		switch {
		case a.Chart:
			return false
		case a.Kustomize:
			return dir == a.Path || under(dir, []string{a.Path})
		}
		return dir == a.Path
	})
}

// changed reports whether a file the app reads, on either side, changed.
// A chart reads every file below it that no other app does.
func (a App) changed(paths []string, apps []App, sides ...fs.FS) bool {
	switch {
	case a.Chart:
		return slices.ContainsFunc(paths, func(p string) bool {
			d := path.Dir(p)
			return (d == a.Path || under(p, []string{a.Path})) && !owns(apps, d)
		})
	case !a.Kustomize:
		return slices.ContainsFunc(paths, func(p string) bool {
			return path.Dir(p) == a.Path && manifests.IsManifestFile(p)
		})
	}
	var roots []string
	for _, fsys := range sides {
		roots = append(roots, manifests.KustomizationRoots(fsys, a.Path)...)
	}
	return slices.ContainsFunc(paths, func(p string) bool { return under(p, roots) })
}
