package schemas

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/convergehq/converge/manifests"
)

// finding is the part of a Problem that tables compare.
type finding struct {
	Path   string
	Reason string
}

func findings(problems []Problem) []finding {
	var out []finding
	for _, p := range problems {
		out = append(out, finding{p.Path, p.Reason})
	}
	return out
}

// loadFile loads manifests from files under testdata.
func loadFile(t testing.TB, paths ...string) manifests.Set {
	t.Helper()
	set, err := manifests.Load(context.Background(), manifests.Options{Paths: paths})
	if err != nil {
		t.Fatalf("load %v: %v", paths, err)
	}
	return set
}

// loadYAML loads manifests from YAML text, as from stdin.
func loadYAML(t testing.TB, yaml string) manifests.Set {
	t.Helper()
	set, err := manifests.Load(context.Background(), manifests.Options{Paths: []string{"-"}, Stdin: strings.NewReader(yaml)})
	if err != nil {
		t.Fatalf("load YAML: %v", err)
	}
	return set
}

func newest(t testing.TB) *Catalog {
	t.Helper()
	cat, err := Bundled("")
	if err != nil {
		t.Fatalf("Bundled: %v", err)
	}
	return cat
}

var (
	widgetOnce    sync.Once
	widgetCatalog *Catalog
	widgetErr     []Problem
)

// withWidgets is the newest catalog plus the Widget CRD of
// testdata/crd.yaml.
func withWidgets(t testing.TB) *Catalog {
	t.Helper()
	widgetOnce.Do(func() {
		widgetCatalog, widgetErr = newest(t).WithCRDs(loadFile(t, "testdata/crd.yaml"))
	})
	if len(widgetErr) > 0 {
		t.Fatalf("WithCRDs: %v", widgetErr)
	}
	return widgetCatalog
}

// validateYAML validates YAML text strictly against cat.
func validateYAML(t testing.TB, cat *Catalog, yaml string) []finding {
	t.Helper()
	return findings(cat.Validate(context.Background(), loadYAML(t, yaml), Options{Strict: true}).Problems)
}
