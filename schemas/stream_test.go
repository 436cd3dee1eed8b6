package schemas

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
)

// loadThenValidate is how converge validate worked before ValidateLoad:
// load the whole set, add its CRDs to cat, validate every object.
func loadThenValidate(ctx context.Context, load manifests.Options, cat *Catalog, opts Options) (Report, error) {
	set, err := manifests.Load(ctx, load)
	if err != nil {
		return Report{}, err
	}
	full, crdProblems := cat.WithCRDs(set)
	res := full.Validate(ctx, set, opts)
	res.Problems = append(crdProblems, res.Problems...)
	return Report{KubernetesVersion: full.KubernetesVersion(), Set: set, Result: res}, nil
}

// printed is everything converge validate shows of a report or an error.
type printed struct {
	Err               string
	Result            Result
	Objects           []string // ID and origin, in set order
	Warnings          []string
	Text, JSON, JUnit string
	KubernetesVersion string
	Valid             bool
}

func printReport(t *testing.T, r Report, err error) printed {
	t.Helper()
	var p printed
	if err != nil {
		p.Err = err.Error()
	}
	p.Result, p.KubernetesVersion, p.Valid = r.Result, r.KubernetesVersion, r.Valid()
	for _, ref := range r.Set.Refs {
		p.Objects = append(p.Objects, ref.ID.String()+" from "+ref.Origin.String())
	}
	for _, w := range r.Set.Warnings {
		p.Warnings = append(p.Warnings, w.Error())
	}
	if err != nil {
		return p
	}
	var text, js, junit bytes.Buffer
	if err := errors.Join(r.WriteText(&text), r.WriteJSON(&js), r.WriteJUnit(&junit)); err != nil {
		t.Fatal(err)
	}
	p.Text, p.JSON, p.JUnit = text.String(), js.String(), junit.String()
	return p
}

// writeFiles writes files (slash-separated paths) under a new temp dir and
// returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// widgetDocs returns the CRD of testdata/crd.yaml and its custom resources
// (valid, invalid, and a Gadget no CRD defines), as separate YAML texts.
func widgetDocs(t *testing.T) (crd, crs string) {
	t.Helper()
	data, err := os.ReadFile("testdata/crd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	crd, crs, ok := strings.Cut(string(data), "\n---\n")
	if !ok {
		t.Fatal("testdata/crd.yaml has one document")
	}
	return crd + "\n", crs
}

func coreFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "core", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// deploymentCRD defines apps/v1 Deployment with a schema of its own, so a
// CRD of the set redefines a kind of the bundled catalog.
const deploymentCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: deployments.apps}
spec:
  group: apps
  scope: Namespaced
  names: {plural: deployments, singular: deployment, kind: Deployment}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
`

// mapCRD defines admissionregistration.k8s.io/v1 MutatingAdmissionPolicy,
// a built-in kind since Kubernetes 1.36, for clusters before it.
const mapCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: mutatingadmissionpolicies.admissionregistration.k8s.io}
spec:
  group: admissionregistration.k8s.io
  scope: Cluster
  names: {plural: mutatingadmissionpolicies, singular: mutatingadmissionpolicy, kind: MutatingAdmissionPolicy}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`

const mapObject = "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingAdmissionPolicy\nmetadata: {name: policy}\nspec: {failurePolicy: Sometimes}\n"

func TestValidateLoadMatchesLoadThenValidate(t *testing.T) {
	crd, crs := widgetDocs(t)
	deployment, configMap := coreFile(t, "deployment.yaml"), coreFile(t, "configmap.yaml")
	list := "apiVersion: v1\nkind: List\nitems:\n" +
		"- {apiVersion: v1, kind: ConfigMap, metadata: {name: listed}, data: {n: 1}}\n" +
		"- {apiVersion: example.com/v1, kind: Widget, metadata: {name: listed, namespace: shop}, spec: {size: 0, image: x}}\n" +
		"- {apiVersion: v1, kind: Secret, metadata: {name: listed}, data: {k: v}}\n"
	many := map[string]string{"z-crd.yaml": crd}
	for i := range 40 {
		many[fmt.Sprintf("f%02d.yaml", i)] = fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%d}\ndata: {n: %d}\n---\n"+
			"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w-%d, namespace: shop}\nspec: {size: %d, image: x}\n", i, i%2, i, i%12)
	}
	tests := []struct {
		name      string
		files     map[string]string // written to a temp dir
		paths     []string          // relative to the temp dir; "-" is stdin
		stdin     string
		kustomize bool // -k the temp dir
		version   string
		opts      Options
		skip      bool // SkipNonK8s
	}{
		{name: "custom resources before their CRD, in a directory", files: map[string]string{"a-widgets.yaml": crs, "b-crd.yaml": crd, "c-deployment.yaml": deployment}, paths: []string{"."}, opts: Options{Strict: true}},
		{name: "custom resources before their CRD, on stdin", stdin: crs + "\n---\n" + deployment + "---\n" + crd, paths: []string{"-"}, opts: Options{Strict: true}},
		{name: "custom resources before their CRD, in one file, lenient", files: map[string]string{"all.yaml": crs + "\n---\n" + crd}, paths: []string{"all.yaml"}},
		{name: "invalid built-in objects", paths: []string{"core"}, files: map[string]string{"core/deployment.yaml": deployment, "core/configmap.yaml": configMap, "core/service.yaml": coreFile(t, "service.yaml"), "core/valid.yaml": coreFile(t, "valid.yaml"), "core/cronjob.yaml": coreFile(t, "cronjob.yaml")}, opts: Options{Strict: true}},
		{name: "missing schema", files: map[string]string{"a.yaml": crs, "b.yaml": configMap}, paths: []string{"a.yaml", "b.yaml"}, opts: Options{Strict: true}},
		{name: "missing schema ignored", files: map[string]string{"a.yaml": crs, "b.yaml": configMap}, paths: []string{"a.yaml", "b.yaml"}, opts: Options{Strict: true, IgnoreMissingSchemas: true}},
		{name: "built-in kind missing from an older version", files: map[string]string{"p.yaml": mapObject, "c.yaml": configMap}, paths: []string{"."}, version: "1.34", opts: Options{Strict: true}},
		{name: "built-in kind missing from an older version, ignored", files: map[string]string{"p.yaml": mapObject}, paths: []string{"."}, version: "1.34", opts: Options{IgnoreMissingSchemas: true}},
		{name: "duplicate object", files: map[string]string{"a.yaml": configMap, "b.yaml": configMap, "c.yaml": crd}, paths: []string{"."}, opts: Options{Strict: true}},
		{name: "duplicate custom resource", files: map[string]string{"a.yaml": crs, "b.yaml": crs}, paths: []string{"a.yaml", "b.yaml"}, opts: Options{Strict: true}},
		{name: "kind List", files: map[string]string{"list.yaml": list, "z.yaml": crd}, paths: []string{"."}, opts: Options{Strict: true}},
		{name: "removed API", files: map[string]string{"a.yaml": "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: old}\n", "b.yaml": configMap}, paths: []string{"."}},
		{name: "no objects", files: map[string]string{"empty.yaml": "# nothing\n"}, paths: []string{"."}},
		{name: "not Kubernetes, skipped with a warning", files: map[string]string{"a.yaml": "just: data\n---\n" + configMap}, paths: []string{"."}, skip: true, opts: Options{Strict: true}},
		{name: "broken CRD schema", files: map[string]string{"a.yaml": crs, "b.yaml": strings.Replace(crd, "type: integer\n                minimum: 1", "type: int", 1)}, paths: []string{"."}, opts: Options{Strict: true}},
		{name: "kustomization", files: map[string]string{"kustomization.yaml": "resources: [widgets.yaml, crd.yaml, deployment.yaml]\n", "widgets.yaml": crs, "crd.yaml": crd, "deployment.yaml": deployment}, kustomize: true, opts: Options{Strict: true}},
		{name: "many files", files: many, paths: []string{"."}, opts: Options{Strict: true}},
		{name: "CRD redefines a built-in kind, in files", files: map[string]string{"a.yaml": deployment, "b.yaml": deploymentCRD, "c.yaml": configMap}, paths: []string{"."}, opts: Options{Strict: true}},
		{name: "CRD redefines a built-in kind, on stdin", stdin: deployment + "---\n" + configMap + "---\n" + deploymentCRD, paths: []string{"-", "-"}, opts: Options{Strict: true}},
		{name: "CRD adds a kind an older version lacks", files: map[string]string{"a.yaml": mapObject, "b.yaml": mapCRD}, paths: []string{"."}, version: "1.34", opts: Options{Strict: true}},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			cat, err := Bundled(tc.version)
			if err != nil {
				t.Fatal(err)
			}
			load := func() manifests.Options {
				o := manifests.Options{Stdin: strings.NewReader(tc.stdin), SkipNonK8s: tc.skip}
				if tc.kustomize {
					o.Kustomize = dir
				}
				for _, p := range tc.paths {
					if p != "-" {
						p = filepath.Join(dir, p)
					}
					o.Paths = append(o.Paths, p)
				}
				return o
			}
			wantReport, wantErr := loadThenValidate(ctx, load(), cat, tc.opts)
			gotReport, gotErr := ValidateLoad(ctx, load(), func(context.Context) (*Catalog, error) { return cat, nil }, tc.opts)
			want, got := printReport(t, wantReport, wantErr), printReport(t, gotReport, gotErr)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ValidateLoad (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateLoadSetCRDsWinOverTheCatalog checks a custom resource whose
// kind the catalog already has, as the cluster's catalog has the kinds of
// its CRDs: the CRD in the set wins, wherever it is in the set.
func TestValidateLoadSetCRDsWinOverTheCatalog(t *testing.T) {
	crd, crs := widgetDocs(t)
	stricter := strings.Replace(crd, "maximum: 10", "maximum: 2", 1)
	ctx := context.Background()
	cluster := withWidgets(t)
	for _, tc := range []struct {
		name  string
		files map[string]string
	}{
		{name: "no CRD in the set", files: map[string]string{"a.yaml": crs}},
		{name: "a changed CRD after its objects", files: map[string]string{"a.yaml": crs, "b.yaml": stricter}},
		{name: "a changed CRD before its objects", files: map[string]string{"a.yaml": stricter, "b.yaml": crs}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			load := manifests.Options{Paths: []string{writeFiles(t, tc.files)}}
			opts := Options{Strict: true}
			wantReport, wantErr := loadThenValidate(ctx, load, cluster, opts)
			gotReport, gotErr := ValidateLoad(ctx, load, func(context.Context) (*Catalog, error) { return cluster, nil }, opts)
			want, got := printReport(t, wantReport, wantErr), printReport(t, gotReport, gotErr)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ValidateLoad (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateLoadKeepsStubs checks what ValidateLoad holds on to: stubs of
// built-in objects, whole CRDs and custom resources.
func TestValidateLoadKeepsOnlyObjectsThatNeedCRDs(t *testing.T) {
	crd, crs := widgetDocs(t)
	dir := writeFiles(t, map[string]string{"a.yaml": crs, "b.yaml": coreFile(t, "valid.yaml"), "c.yaml": crd})
	r, err := ValidateLoad(context.Background(), manifests.Options{Paths: []string{dir}}, func(context.Context) (*Catalog, error) { return newest(t), nil }, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var kept, wantKept, all []string
	for _, o := range r.Set.Objects {
		kept = append(kept, o.GetKind())
	}
	for _, ref := range r.Set.Refs {
		all = append(all, ref.ID.Kind)
		if k := ref.ID.Kind; k == "Widget" || k == "Gadget" || k == "CustomResourceDefinition" {
			wantKept = append(wantKept, k)
		}
	}
	if diff := cmp.Diff(wantKept, kept); diff != "" {
		t.Errorf("objects kept whole (-want +got):\n%s (all: %v)", diff, all)
	}
	if len(all) <= len(kept) {
		t.Errorf("refs %v: want more than the objects kept whole", all)
	}
}

func TestValidateLoadCatalogError(t *testing.T) {
	unavailable := errors.New("no schemas today")
	tests := []struct {
		name    string
		files   map[string]string
		want    printed
		wantCat bool
	}{
		{name: "manifests load: the catalog's error, with the set's warnings", files: map[string]string{"a.yaml": "just: data\n---\n" + coreFile(t, "configmap.yaml")},
			want: printed{Err: "no schemas today", Objects: []string{"configmap/settings (ns shop) from FILE:3"}, Valid: true, Warnings: []string{"FILE:1: apiVersion: missing; every Kubernetes object needs apiVersion and kind (if this YAML is not a manifest, pass --skip-non-k8s)"}}, wantCat: true},
		{name: "manifests do not load: their error comes first", files: map[string]string{"a.yaml": "just: data\n"},
			want: printed{Err: "1 problem(s) in the manifests:\n  FILE:1: apiVersion: missing; every Kubernetes object needs apiVersion and kind (if this YAML is not a manifest, pass --skip-non-k8s)", Valid: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			file := filepath.Join(dir, "a.yaml")
			load := manifests.Options{Paths: []string{file}, SkipNonK8s: tc.wantCat}
			r, err := ValidateLoad(context.Background(), load, func(context.Context) (*Catalog, error) { return nil, unavailable }, Options{})
			var catErr *CatalogError
			if got := errors.As(err, &catErr) && errors.Is(err, unavailable); got != tc.wantCat {
				t.Errorf("error %v: *CatalogError wrapping the catalog's error = %v, want %v", err, got, tc.wantCat)
			}
			got := printReport(t, r, err)
			got.Err = strings.ReplaceAll(got.Err, file, "FILE")
			for _, s := range [][]string{got.Objects, got.Warnings} {
				for i := range s {
					s[i] = strings.ReplaceAll(s[i], file, "FILE")
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ValidateLoad (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateLoadDefersObjectsWhileCompiling(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": coreFile(t, "deployment.yaml"), "b.yaml": coreFile(t, "service.yaml"), "c.yaml": coreFile(t, "cronjob.yaml")})
	load := manifests.Options{Paths: []string{dir}}
	opts := Options{Strict: true}
	ctx := context.Background()
	want, err := loadThenValidate(ctx, load, newest(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	// A catalog of its own, so that no schema is compiled yet.
	cat, err := loadBundled("v1.36")
	if err != nil {
		t.Fatal(err)
	}
	s := newStream(cat, opts)
	set, err := manifests.Load(ctx, manifests.Options{Paths: []string{dir}, Visit: func(objs []manifests.Object) []manifests.Visited {
		// Another worker holds the compiler: nothing may wait for it.
		cat.comp.mu.Lock()
		defer cat.comp.mu.Unlock()
		return s.visit(ctx, objs)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Objects) != len(set.Refs) || len(s.earlyKinds) > 0 {
		t.Errorf("%d of %d objects kept whole, kinds checked early %v; want every object kept while its schema was being compiled", len(set.Objects), len(set.Refs), s.earlyKinds)
	}
	got, ok := s.finish(ctx, set)
	if !ok {
		t.Fatal("finish asked for a reload")
	}
	if diff := cmp.Diff(printReport(t, want, nil), printReport(t, got, nil)); diff != "" {
		t.Errorf("report (-load then validate +deferred):\n%s", diff)
	}
}

// TestValidateLoadStreamsLocatedKinds: custom resources whose schema a
// --schema-location has are checked while loading, like built-in ones,
// and not kept; a CRD of the set for that kind still wins.
func TestValidateLoadStreamsLocatedKinds(t *testing.T) {
	ctx := context.Background()
	located, err := newest(t).WithLocations([]string{"testdata/locations/kubeconform"}, LocationOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	base := func(context.Context) (*Catalog, error) { return located, nil }
	crd, _ := widgetDocs(t)
	widgets := widgetV1("{size: 0}") + "---\n" + strings.Replace(widgetV1("{size: 2}"), "name: w", "name: w2", 1)
	for _, tc := range []struct {
		name  string
		files map[string]string
		kept  int
	}{
		{name: "located kinds are not kept", files: map[string]string{"a.yaml": widgets}, kept: 0},
		{name: "a CRD of the set wins", files: map[string]string{"a.yaml": widgets, "b.yaml": crd}, kept: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			load := manifests.Options{Paths: []string{writeFiles(t, tc.files)}}
			opts := Options{Strict: true}
			wantReport, wantErr := loadThenValidate(ctx, load, located, opts)
			gotReport, gotErr := ValidateLoad(ctx, load, base, opts)
			if diff := cmp.Diff(printReport(t, wantReport, wantErr), printReport(t, gotReport, gotErr)); diff != "" {
				t.Errorf("ValidateLoad (-want +got):\n%s", diff)
			}
			if n := len(gotReport.Set.Objects); n != tc.kept {
				t.Errorf("%d objects kept whole, want %d", n, tc.kept)
			}
		})
	}
}

// TestValidateLoadFetchesNoSchemaACRDOfTheSetDefines: while loading, a
// remote location is not asked for a kind; in the end a CRD of the set
// that defines it wins, so it is never fetched.
func TestValidateLoadFetchesNoSchemaACRDOfTheSetDefines(t *testing.T) {
	var widgetHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "widget") {
			widgetHits.Add(1)
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	remote, err := newest(t).WithLocations([]string{srv.URL + "/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"}, LocationOptions{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	crd, crs := widgetDocs(t)
	load := manifests.Options{Paths: []string{writeFiles(t, map[string]string{"a.yaml": crs, "b.yaml": crd})}}
	if _, err := ValidateLoad(context.Background(), load, func(context.Context) (*Catalog, error) { return remote, nil }, Options{Strict: true}); err != nil {
		t.Fatal(err)
	}
	if n := widgetHits.Load(); n != 0 {
		t.Errorf("%d requests for a kind the set's CRD defines, want 0", n)
	}
}
