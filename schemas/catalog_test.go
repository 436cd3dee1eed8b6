package schemas

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestBundledVersions(t *testing.T) {
	want := []string{"v1.34", "v1.35", "v1.36"}
	if diff := cmp.Diff(want, BundledVersions()); diff != "" {
		t.Errorf("BundledVersions (-want +got):\n%s", diff)
	}
}

func TestBundled(t *testing.T) {
	tests := []struct {
		version string
		want    string // KubernetesVersion of the catalog
		wantErr string
	}{
		{"", "v1.36.3", ""},
		{"v1.34", "v1.34.4", ""},
		{"1.35", "v1.35.4", ""},
		{"v1.35.4", "v1.35.4", ""},
		{"v1.36.0", "v1.36.3", ""},
		{"1.36", "v1.36.3", ""},
		{"v1.20", "", "no bundled schemas for Kubernetes v1.20: bundled versions are v1.34, v1.35, v1.36"},
		{"1.20.1", "", "no bundled schemas for Kubernetes v1.20: bundled versions are v1.34, v1.35, v1.36"},
		{"latest", "", `invalid Kubernetes version "latest": use a form like 1.35, v1.35 or v1.35.4`},
		{"v2.0", "", `invalid Kubernetes version "v2.0": use a form like 1.35, v1.35 or v1.35.4`},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			cat, err := Bundled(tt.version)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Bundled(%q) error = %v, want %q", tt.version, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Bundled(%q): %v", tt.version, err)
			}
			if got := cat.KubernetesVersion(); got != tt.want {
				t.Errorf("KubernetesVersion() = %q, want %q", got, tt.want)
			}
			if !cat.Has(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}) {
				t.Errorf("catalog %s has no apps/v1 Deployment", tt.version)
			}
		})
	}
}

func TestBundledIsShared(t *testing.T) {
	a, _ := Bundled("1.35")
	b, _ := Bundled("v1.35.1")
	if a != b {
		t.Error("Bundled returned two catalogs for one version; want one, loaded once")
	}
}

func TestFromOpenAPI(t *testing.T) {
	schemas := map[string]json.RawMessage{
		"com.example.v1.Box": json.RawMessage(`{"type":"object","x-kubernetes-group-version-kind":[{"group":"example.com","version":"v1","kind":"Box"}],
			"properties":{"apiVersion":{"type":"string"},"kind":{"type":"string"},"metadata":{"type":"object"},
			"size":{"$ref":"#/components/schemas/com.example.v1.Size"}}}`),
		"com.example.v1.Size": json.RawMessage(`{"type":"integer","format":"int32"}`),
	}
	cat, err := FromOpenAPI("v1.99.0", schemas)
	if err != nil {
		t.Fatal(err)
	}
	set := loadYAML(t, "apiVersion: example.com/v1\nkind: Box\nmetadata: {name: b}\nsize: big\nwidth: 3\n")
	res := cat.Validate(context.Background(), set, Options{Strict: true})
	want := []finding{{"", `unknown field "width"`}, {"size", `must be integer, got string "big"`}}
	if diff := cmp.Diff(want, findings(res.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}

	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			name    string
			schemas map[string]json.RawMessage
			want    string
		}{
			{"no kinds", map[string]json.RawMessage{"a": json.RawMessage(`{"type":"string"}`)}, "no schema declares x-kubernetes-group-version-kind: these are not the component schemas of a Kubernetes API server"},
			{"bad JSON", map[string]json.RawMessage{"a": json.RawMessage(`{"x-kubernetes-group-version-kind": [}`)}, "read schema a: invalid character '}' looking for beginning of value"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := FromOpenAPI("v1", tt.schemas)
				if err == nil || err.Error() != tt.want {
					t.Errorf("FromOpenAPI error = %v, want %q", err, tt.want)
				}
			})
		}
	})
}

func TestStrict(t *testing.T) {
	yaml := `apiVersion: v1
kind: ConfigMap
metadata: {name: c, labelz: {a: b}}
data: {a: 1}
dta: {b: c}
`
	tests := []struct {
		name   string
		strict bool
		want   []finding
	}{
		{"strict", true, []finding{
			{"", `unknown field "dta"`},
			{"data.a", "must be string, got integer 1"},
			{"metadata", `unknown field "labelz"`},
		}},
		{"lenient", false, []finding{{"data.a", "must be string, got integer 1"}}},
	}
	cat := newest(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := cat.Validate(context.Background(), loadYAML(t, yaml), Options{Strict: tt.strict})
			if diff := cmp.Diff(tt.want, findings(res.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIgnoreMissingSchemas(t *testing.T) {
	yaml := `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: bad}
data: {a: 1}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g1, namespace: x}
`
	set := loadYAML(t, yaml)
	cat := newest(t)
	res := cat.Validate(context.Background(), set, Options{Strict: true, IgnoreMissingSchemas: true})
	want := Result{
		Checked: 2,
		Missing: []manifests.ObjectID{
			{Group: "example.com", Kind: "Widget", Name: "w1"},
			{Group: "example.com", Kind: "Gadget", Namespace: "x", Name: "g1"},
		},
		Problems: []Problem{{ID: manifests.ObjectID{Kind: "ConfigMap", Name: "bad"}, Origin: manifests.Origin{File: "-", Doc: 2, Line: 9}, Path: "data.a", Reason: "must be string, got integer 1"}},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}

	res = cat.Validate(context.Background(), set, Options{Strict: true})
	if res.Checked != 4 || len(res.Missing) != 0 || len(res.Problems) != 3 {
		t.Fatalf("without IgnoreMissingSchemas: Checked %d, Missing %v, %d problems; want 4, none, 3", res.Checked, res.Missing, len(res.Problems))
	}
	if p := res.Problems[0]; p.ID.Name != "w1" || !strings.HasPrefix(p.Reason, "no schema for example.com/v1, Kind=Widget in Kubernetes v1.36;") {
		t.Errorf("first problem = %v, want the missing schema of w1", p)
	}
}

func TestValidateStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := newest(t).Validate(ctx, loadFile(t, "testdata/core/valid.yaml"), Options{})
	if diff := cmp.Diff(Result{}, res); diff != "" {
		t.Errorf("Validate with a cancelled context (-want +got):\n%s", diff)
	}
}

// TestEveryBundledSchemaCompiles converts and compiles the schema of every
// kind of every bundled version, recursive ones (CRDs) included.
func TestEveryBundledSchemaCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles every bundled schema")
	}
	for _, version := range BundledVersions() {
		t.Run(version, func(t *testing.T) {
			base, err := Bundled(version)
			if err != nil {
				t.Fatal(err)
			}
			cat := newCatalog(base.version, base.defs, nil, nil)
			for gvk := range cat.defs.byGVK {
				if _, err := cat.schemaFor(gvk); err != nil {
					t.Errorf("%s: %v", gvk, err)
				}
			}
		})
	}
}
