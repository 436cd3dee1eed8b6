package schemas

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// bundledFS holds a bundle file (see [Bundle]) per Kubernetes minor
// version, written by the gen command.
//
//go:embed data/*.zip
var bundledFS embed.FS

// bundledCatalog loads one bundled file once.
type bundledCatalog struct {
	once sync.Once
	cat  *Catalog
	err  error
}

var bundledCatalogs = func() map[string]*bundledCatalog {
	m := map[string]*bundledCatalog{}
	for _, v := range BundledVersions() {
		m[v] = &bundledCatalog{}
	}
	return m
}()

// BundledVersions lists the Kubernetes minor versions whose schemas are
// embedded, oldest first, such as ["v1.34", "v1.35", "v1.36"].
func BundledVersions() []string {
	files, _ := fs.Glob(bundledFS, "data/v*.zip")
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(f, "data/"), ".zip"))
	}
	sort.Slice(out, func(i, j int) bool { return minorNumber(out[i]) < minorNumber(out[j]) })
	return out
}

// minorNumber is 36 for "v1.36".
func minorNumber(minor string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(minor, "v1."))
	return n
}

var versionPattern = regexp.MustCompile(`^v?(1\.[0-9]+)(\.[0-9]+)?$`)

// Bundled returns the catalog of an embedded Kubernetes version. version is
// "1.35", "v1.35" or "v1.35.4" (any patch release of a bundled minor
// version selects it); "" selects the newest. The catalog is loaded once
// and shared by all callers.
func Bundled(version string) (*Catalog, error) {
	versions := BundledVersions()
	if len(versions) == 0 {
		return nil, fmt.Errorf("no schemas are bundled in this build")
	}
	minor := versions[len(versions)-1]
	if version != "" {
		m := versionPattern.FindStringSubmatch(version)
		if m == nil {
			return nil, fmt.Errorf("invalid Kubernetes version %q: use a form like 1.35, v1.35 or v1.35.4", version)
		}
		minor = "v" + m[1]
	}
	b, ok := bundledCatalogs[minor]
	if !ok {
		return nil, fmt.Errorf("no bundled schemas for Kubernetes %s: bundled versions are %s", minor, strings.Join(versions, ", "))
	}
	b.once.Do(func() { b.cat, b.err = loadBundled(minor) })
	return b.cat, b.err
}

// loadBundled opens the bundle of a minor version. Its schemas are read
// from the embedded file as they are needed: an embedded file holds no
// resources, so it is never closed.
func loadBundled(minor string) (*Catalog, error) {
	f, err := bundledFS.Open("data/" + minor + ".zip")
	if err != nil {
		return nil, fmt.Errorf("open bundled schemas %s: %w", minor, err)
	}
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open bundled schemas %s: %w", minor, err)
	}
	r, ok := f.(io.ReaderAt)
	if !ok {
		return nil, fmt.Errorf("open bundled schemas %s: embedded files do not implement io.ReaderAt", minor)
	}
	cat, err := openBundle(r, info.Size())
	if err != nil {
		return nil, fmt.Errorf("bundled schemas %s: %w", minor, err)
	}
	return cat, nil
}
