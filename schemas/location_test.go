package schemas

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

const (
	catalogDir = "testdata/locations/catalog"
	certNoSpec = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web}\n"
)

func certificate(spec string) string { return certNoSpec + "spec: " + spec + "\n" }

func widgetV1(spec string) string {
	return "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: " + spec + "\n"
}

func withLocations(t *testing.T, opts LocationOptions, locs ...string) *Catalog {
	t.Helper()
	cat, err := newest(t).WithLocations(locs, opts)
	if err != nil {
		t.Fatalf("WithLocations: %v", err)
	}
	return cat
}

func TestLocationCatalogLayout(t *testing.T) {
	for _, loc := range []string{catalogDir, catalogDir + "/", catalogDir + "/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"} {
		t.Run(loc, func(t *testing.T) {
			runSemantic(t, withLocations(t, LocationOptions{}, "default", loc), []semanticCase{
				{"valid", certificate("{secretName: web-tls, issuerRef: {name: ca}, dnsNames: [a.example.com], privateKey: {algorithm: ECDSA}}"), nil},
				{"enum", certificate("{secretName: s, issuerRef: {name: ca}, privateKey: {algorithm: DSA}}"), []finding{
					{"spec.privateKey.algorithm", `must be one of "RSA", "ECDSA", "Ed25519"; got "DSA"`},
				}},
				{"unknown field and missing field", certificate("{secretName: s, issuerRef: {nam: ca}}"), []finding{
					{"spec.issuerRef", `required field "name" is missing`},
					{"spec.issuerRef", `unknown field "nam"`},
				}},
				{"metadata is ObjectMeta", "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: Bad_Name, labelz: {}}\nspec: {secretName: s, issuerRef: {name: ca}}\n", []finding{
					{"metadata", `unknown field "labelz"`},
					{"metadata.name", `invalid name "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
				}},
				{"built-in kinds keep the bundled schemas", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n", []finding{
					{"data.a", "must be string, got integer 1"},
				}},
			})
		})
	}
}

func TestLocationKubeconformLayout(t *testing.T) {
	cat := withLocations(t, LocationOptions{Strict: true}, "testdata/locations/kubeconform")
	runSemantic(t, cat, []semanticCase{
		{"valid with nulls and int-or-string", widgetV1("{size: 2, port: http, labels: {a: b, c: null}}"), nil},
		{"port as a number", widgetV1("{size: 2, port: 80}"), nil},
		{"minimum and unknown field", widgetV1("{size: 0, colour: red}"), []finding{
			{"spec", `unknown field "colour"`},
			{"spec.size", "must be at least 1, got 0"},
		}},
		{"preserve-unknown-fields wins over the catalog's additionalProperties false", widgetV1("{size: 1, values: {known: a, extra: 1}}"), nil},
		{"null in a type list with an enum", widgetV1("{size: 1, mode: null}"), nil},
		{"enum", widgetV1("{size: 1, mode: medium}"), []finding{{"spec.mode", `must be one of "fast", "slow", null; got "medium"`}}},
		{"the non-strict directory after the strict one", "apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: g}\nspec: {size: big}\n", []finding{
			{"spec.size", `must be integer, got string "big"`},
		}},
	})
}

func TestLocationTemplateData(t *testing.T) {
	l := &locator{opts: LocationOptions{KubernetesVersion: "1.35", Strict: true}}
	tests := []struct {
		gvk  schema.GroupVersionKind
		want templateData
	}{
		{schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, templateData{"v1.35.0", "-strict", "configmap", "v1", "v1", "-v1"}},
		{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, templateData{"v1.35.0", "-strict", "deployment", "v1", "apps", "-apps-v1"}},
		{schema.GroupVersionKind{Group: "cert-manager.io", Version: "v1", Kind: "Certificate"}, templateData{"v1.35.0", "-strict", "certificate", "v1", "cert-manager.io", "-cert-manager-v1"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, l.data(tt.gvk)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.gvk, diff)
		}
	}
}

// TestLocationRedactsCredentials: a token in a location's URL, as user
// info or in the query, never reaches a problem or an error.
func TestLocationRedactsCredentials(t *testing.T) {
	files := http.FileServer(http.Dir(catalogDir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/broken/") {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	withToken := strings.Replace(srv.URL, "http://", "http://alice:s3cr3t@", 1)
	tests := []struct {
		loc  string
		want string
	}{
		{withToken + "/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json?token=s3cr3t",
			"nor at http://<redacted>@" + strings.TrimPrefix(srv.URL, "http://") + "/example.com/widget_v1.json?<redacted>"},
		{withToken + "/broken/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json",
			"fetch: 500 Internal Server Error; check the URL and the network, or download the schemas and pass their directory"},
	}
	for _, tt := range tests {
		cat := withLocations(t, LocationOptions{Client: srv.Client()}, tt.loc)
		got := validateYAML(t, cat, widgetV1("{size: 1}"))
		if len(got) != 1 || !strings.Contains(got[0].Reason, tt.want) || strings.Contains(got[0].Reason, "s3cr3t") {
			t.Errorf("problems = %v, want one naming %q without the token", got, tt.want)
		}
	}
	down := withLocations(t, LocationOptions{Client: srv.Client()}, srv.URL+"/broken/{{.Group}}.json")
	res := down.Validate(context.Background(), loadYAML(t, widgetV1("{size: 1}")), Options{})
	if len(res.Problems) != 1 || !res.Problems[0].Unavailable {
		t.Errorf("a schema that cannot be fetched: %+v, want one problem marked Unavailable", res.Problems)
	}
	_, err := newest(t).WithLocations([]string{withToken + "/{{.Nope}}.json?token=s3cr3t"}, LocationOptions{})
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("error = %v, want one without the token", err)
	}
}

func TestLocationNotFound(t *testing.T) {
	cat := withLocations(t, LocationOptions{}, catalogDir)
	got := validateYAML(t, cat, widgetV1("{size: 1}"))
	want := []finding{{"", "no schema for example.com/v1, Kind=Widget in Kubernetes v1.36 nor at " +
		catalogDir + "/master-standalone/widget-example-v1.json, " + catalogDir + "/example.com/widget_v1.json" +
		"; add its CustomResourceDefinition to the set or pass it with --crds, add a --schema-location, use --schemas=cluster, or pass --ignore-missing-schemas"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestLocationCRDWins(t *testing.T) {
	// The CRD of testdata/crd.yaml requires spec.image; the location's
	// Widget does not know that field.
	cat, problems := withLocations(t, LocationOptions{Strict: true}, "testdata/locations/kubeconform").WithCRDs(loadFile(t, "testdata/crd.yaml"))
	if len(problems) > 0 {
		t.Fatalf("WithCRDs: %v", problems)
	}
	got := validateYAML(t, cat, widgetV1("{size: 1}"))
	want := []finding{{"spec", `required field "image" is missing`}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestLocationBrokenFiles(t *testing.T) {
	cat := withLocations(t, LocationOptions{}, "testdata/locations/broken")
	tests := []struct {
		kind string
		want string
	}{
		{"Gizmo", "schema testdata/locations/broken/example.com/gizmo_v1.json: line 3: invalid character '}' looking for beginning of object key string; fix the file or drop its --schema-location"},
		{"Gadget", `schema testdata/locations/broken/example.com/gadget_v1.json: schema.properties[spec].type: unsupported type "dict": use object, array, string, integer, number or boolean; fix the file or drop its --schema-location`},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			got := validateYAML(t, cat, "apiVersion: example.com/v1\nkind: "+tt.kind+"\nmetadata: {name: x}\nspec: {}\n")
			if diff := cmp.Diff([]finding{{"", tt.want}}, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLocationErrors(t *testing.T) {
	tests := []struct {
		loc  string
		want string
	}{
		{"testdata/locations/none", "--schema-location testdata/locations/none: stat testdata/locations/none: no such file or directory; pass a directory, an http(s) URL or a path template"},
		{catalogDir + "/{{.Group}/x.json", "--schema-location " + catalogDir + "/{{.Group}/x.json: template: " + catalogDir + "/{{.Group}/x.json:1: bad character U+007D '}'; the variables are {{.Group}}, {{.ResourceKind}}, {{.ResourceAPIVersion}}, {{.KindSuffix}}, {{.NormalizedKubernetesVersion}} and {{.StrictSuffix}}"},
		{catalogDir + "/{{.Kind}}.json", "--schema-location " + catalogDir + "/{{.Kind}}.json: template: " + catalogDir + "/{{.Kind}}.json:1:29: executing \"" + catalogDir + "/{{.Kind}}.json\" at <.Kind>: can't evaluate field Kind in type schemas.templateData; the variables are {{.Group}}, {{.ResourceKind}}, {{.ResourceAPIVersion}}, {{.KindSuffix}}, {{.NormalizedKubernetesVersion}} and {{.StrictSuffix}}"},
		{"testdata/crd.yaml", "--schema-location testdata/crd.yaml is a file: pass its directory, or a template such as dir/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"},
	}
	for _, tt := range tests {
		t.Run(tt.loc, func(t *testing.T) {
			_, err := newest(t).WithLocations([]string{tt.loc}, LocationOptions{})
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestLocationHTTP serves the catalog from a loopback server, as
// raw.githubusercontent.com serves the CRDs-catalog: each schema is
// fetched once, and a kind without a schema is a 404.
func TestLocationHTTP(t *testing.T) {
	var hits atomic.Int32
	files := http.FileServer(http.Dir(catalogDir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cat := withLocations(t, LocationOptions{Client: srv.Client()}, srv.URL+"/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json")
	yaml := certificate("{secretName: s, issuerRef: {name: ca}, isCA: \"true\"}") + "---\n" + strings.Replace(certificate("{secretName: s, issuerRef: {name: ca}}"), "web", "api", 1)
	want := []finding{{"spec.isCA", `must be boolean, got string "true"`}}
	if diff := cmp.Diff(want, validateYAML(t, cat, yaml)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests for one kind, want 1", n)
	}
	got := validateYAML(t, cat, widgetV1("{size: 1}"))
	if len(got) != 1 || !strings.Contains(got[0].Reason, "nor at "+srv.URL+"/example.com/widget_v1.json") {
		t.Errorf("problems = %v, want a missing schema naming the URL tried", got)
	}
}

func TestSources(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		sources Sources
		want    []finding
		wantErr string
	}{
		{name: "crds file", sources: Sources{CRDs: []string{"testdata/crd.yaml"}},
			want: []finding{{"spec", `required field "image" is missing`}}},
		{name: "crds win over locations", sources: Sources{CRDs: []string{"testdata/crd.yaml"}, Locations: []string{"testdata/locations/kubeconform"}},
			want: []finding{{"spec", `required field "image" is missing`}}},
		{name: "locations", sources: Sources{Locations: []string{"testdata/locations/kubeconform"}, Location: LocationOptions{Strict: true}}},
		{name: "no crd", sources: Sources{CRDs: []string{"testdata/core/configmap.yaml"}},
			wantErr: "--crds testdata/core/configmap.yaml: no CustomResourceDefinition (apiextensions.k8s.io/v1) found; pass the files that define your custom resources"},
		{name: "bad crd", sources: Sources{CRDs: []string{"testdata/crds-bad"}},
			wantErr: "--crds: 1 problem(s) in the CustomResourceDefinitions; fix them:\n  customresourcedefinition.apiextensions.k8s.io/gadgets.example.com from testdata/crds-bad/gadget.yaml:1: spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[size].type: unsupported type \"int\": use object, array, string, integer, number or boolean"},
		{name: "missing file", sources: Sources{CRDs: []string{"testdata/nope.yaml"}},
			wantErr: "--crds: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, err := newest(t).With(ctx, tt.sources)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v\nwant %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, validateYAML(t, cat, widgetV1("{size: 1}"))); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSchemaLocationTakesCRDManifests(t *testing.T) {
	for _, loc := range []string{"testdata/crd.yaml", "testdata/crds-ok"} {
		t.Run(loc, func(t *testing.T) {
			cat, err := newest(t).With(context.Background(), Sources{Locations: []string{"default", loc}})
			if err != nil {
				t.Fatal(err)
			}
			want := []finding{{"spec", `required field "image" is missing`}}
			if diff := cmp.Diff(want, validateYAML(t, cat, widgetV1("{size: 1}"))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
