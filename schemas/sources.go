package schemas

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/convergehq/converge/manifests"
)

// Sources are schemas beyond a catalog's own, as the --crds and
// --schema-location flags name them.
type Sources struct {
	// CRDs are files or directories (read recursively) of
	// CustomResourceDefinition manifests, such as a chart's crds/.
	CRDs []string
	// Locations are kubeconform-compatible schema locations; see
	// [Catalog.WithLocations]. A YAML file, or a directory holding YAML,
	// is taken as CRDs.
	Locations []string
	// Location fills the locations' templates and fetches remote ones.
	Location LocationOptions
}

// With returns c plus the schemas of s: its locations, then its CRDs,
// which win over both the locations and c's own schemas, as the CRDs of a
// set do. A CRD file that does not load, holds no CRD or defines a
// schema that cannot be used is an error naming file:line. c itself is
// not changed.
func (c *Catalog) With(ctx context.Context, s Sources) (*Catalog, error) {
	s.Locations, s.CRDs = splitLocations(s.Locations, s.CRDs)
	out := c
	if len(s.Locations) > 0 {
		var err error
		if out, err = out.WithLocations(s.Locations, s.Location); err != nil {
			return nil, err
		}
	}
	if len(s.CRDs) == 0 {
		return out, nil
	}
	set, err := manifests.Load(ctx, manifests.Options{Paths: s.CRDs, Recursive: true, SkipNonK8s: true})
	if err != nil {
		return nil, fmt.Errorf("--crds: %w", err)
	}
	crds := manifests.Set{}
	for _, o := range set.Objects {
		if o.GroupVersionKind() == crdKind {
			crds.Objects = append(crds.Objects, o)
		}
	}
	if len(crds.Objects) == 0 {
		return nil, fmt.Errorf("--crds %s: no CustomResourceDefinition (apiextensions.k8s.io/v1) found; pass the files that define your custom resources", strings.Join(s.CRDs, ", "))
	}
	out, problems := out.WithCRDs(crds)
	if len(problems) > 0 {
		lines := make([]string, len(problems))
		for i, p := range problems {
			lines[i] = p.Error()
		}
		return nil, fmt.Errorf("--crds: %d problem(s) in the CustomResourceDefinitions; fix them:\n  %s", len(problems), strings.Join(lines, "\n  "))
	}
	return out, nil
}

// splitLocations moves the locations that are CRD manifests, a YAML file
// or a directory holding YAML (JSON schema directories hold only JSON),
// to crds: --schema-location takes CRDs as --crds does.
func splitLocations(locs, crds []string) ([]string, []string) {
	var schemas []string
	for _, loc := range locs {
		if isRemote(loc) || strings.Contains(loc, "{{") || !holdsYAML(loc) {
			schemas = append(schemas, loc)
			continue
		}
		crds = append(crds, loc)
	}
	return schemas, crds
}

// holdsYAML reports whether path is a YAML file, or a directory with one
// anywhere below it.
func holdsYAML(path string) bool {
	isYAML := func(name string) bool {
		ext := strings.ToLower(filepath.Ext(name))
		return ext == ".yaml" || ext == ".yml"
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.IsDir() {
		return err == nil && isYAML(path)
	}
	found := false
	_ = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isYAML(p) {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}
