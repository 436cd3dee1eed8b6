package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
)

// serverAccepts creates the objects of file in ns with dryRun=All and
// strict field validation, and reports whether the API server accepted all.
func serverAccepts(t *testing.T, ns, file string) (bool, string) {
	t.Helper()
	set, err := manifests.Load(context.Background(), manifests.Options{Paths: []string{file}})
	if err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	cfg := testcluster.RESTConfig(t)
	dyn := dynamic.NewForConfigOrDie(cfg)
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(discovery.NewDiscoveryClientForConfigOrDie(cfg)))
	for _, o := range set.Objects {
		gvk := o.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return false, err.Error()
		}
		var r dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			r = dyn.Resource(m.Resource).Namespace(ns)
		}
		_, err = r.Create(ctx(t), o.Unstructured, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"})
		if err != nil {
			return false, err.Error()
		}
	}
	return true, ""
}

func TestValidateAgreesWithServerDryRun(t *testing.T) {
	ns := testcluster.Namespace(t)
	for _, dir := range []string{"valid", "invalid"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "validate", dir, "*.yaml"))
		if len(files) == 0 {
			t.Fatalf("no fixtures in %s", dir)
		}
		for _, f := range files {
			t.Run(dir+"/"+filepath.Base(f), func(t *testing.T) {
				r := converge(t, "validate", "-f", f)
				accepted, why := serverAccepts(t, ns, f)
				wantValid := dir == "valid"
				if accepted != wantValid {
					t.Fatalf("API server accepted=%v (%s); the fixture is in %s/", accepted, why, dir)
				}
				if (r.code == 0) != wantValid || r.code > 1 {
					t.Fatalf("converge validate exit %d, server accepted=%v (%s)\n%s%s", r.code, accepted, why, r.stdout, r.stderr)
				}
				if !wantValid && !strings.Contains(r.stdout, f+":") {
					t.Errorf("the problem does not name the file and line:\n%s", r.stdout)
				}
			})
		}
	}
}

func TestValidateCustomResourcesAgainstCRDInTheSet(t *testing.T) {
	crd := filepath.Join("testdata", "crd-widgets.yaml")
	good := mustSucceed(t, "validate CRD + CR", converge(t, "validate", "-f", crd, "-f", "testdata/widget-v1.yaml"))
	if !strings.Contains(good.stdout, "2 objects checked") {
		t.Errorf("summary: %s", good.stdout)
	}
	bad := converge(t, "validate", "-f", crd, "-f", "testdata/widget-bad.yaml")
	if bad.code != 1 {
		t.Fatalf("invalid CR: exit %d\n%s%s", bad.code, bad.stdout, bad.stderr)
	}
	for _, want := range []string{"widget.example.converge.dev/bad", "spec.size: must be integer", `unknown field "shape"`} {
		if !strings.Contains(bad.stdout, want) {
			t.Errorf("output does not mention %q:\n%s", want, bad.stdout)
		}
	}
	// The server agrees once the CRD is installed.
	mustSucceed(t, "install CRD", kubectl(t, "apply", "-f", crd))
	mustSucceed(t, "wait CRD", kubectl(t, "wait", "--for=condition=Established", "--timeout=60s", "-f", crd))
	ns := testcluster.Namespace(t)
	if ok, _ := serverAccepts(t, ns, "testdata/widget-bad.yaml"); ok {
		t.Fatal("API server accepted the invalid widget")
	}
	if ok, why := serverAccepts(t, ns, "testdata/widget-v1.yaml"); !ok {
		t.Fatalf("API server rejected the valid widget: %s", why)
	}
}

func TestValidateSchemaSources(t *testing.T) {
	crd := filepath.Join("testdata", "crd-widgets.yaml")
	mustSucceed(t, "install CRD", kubectl(t, "apply", "-f", crd))
	mustSucceed(t, "wait CRD", kubectl(t, "wait", "--for=condition=Established", "--timeout=60s", "-f", crd))
	tests := []struct {
		name     string
		file     string // default testdata/widget-v1.yaml
		args     []string
		wantCode int
		want     string
	}{
		{name: "bundled schemas know no Widget", args: []string{"--schemas=bundled"}, wantCode: 1, want: "ignore-missing-schemas"},
		{name: "missing schemas counted", args: []string{"--ignore-missing-schemas"}, wantCode: 0, want: "1 without schema (unchecked)"},
		{name: "cluster schemas include installed CRDs", args: []string{"--schemas=cluster"}, wantCode: 0, want: "1 objects checked"},
		{name: "older bundled version", args: []string{"--kubernetes-version=1.34", "--ignore-missing-schemas"}, wantCode: 0, want: "v1.34"},
		{name: "unknown version is a usage error", args: []string{"--kubernetes-version=1.20"}, wantCode: 2, want: "1.36"},
		{name: "bad output is a usage error", args: []string{"-o", "yaml"}, wantCode: 2, want: "invalid -o"},
		{name: "--crds", args: []string{"--crds", crd}, wantCode: 0, want: "1 objects checked"},
		{name: "--crds catches an invalid CR", file: "testdata/widget-bad.yaml", args: []string{"--crds", crd}, wantCode: 1, want: "testdata/widget-bad.yaml:1: spec.size: must be integer"},
		{name: "--schema-location dir", args: []string{"--schema-location", "testdata/schemas"}, wantCode: 0, want: "1 objects checked"},
		{name: "--schema-location template catches an invalid CR", file: "testdata/widget-bad.yaml",
			args: []string{"--schema-location", "default", "--schema-location", "testdata/schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"}, wantCode: 1, want: `spec: unknown field "shape"`},
		{name: "--schema-location missing dir is a usage error", args: []string{"--schema-location", "testdata/nope"}, wantCode: 2, want: "--schema-location testdata/nope: stat"},
		{name: "--crds without CRDs is a usage error", args: []string{"--crds", "testdata/widget-v1.yaml"}, wantCode: 2, want: "no CustomResourceDefinition"},
		{name: "a schema that cannot be fetched", args: []string{"--schema-location", "http://127.0.0.1:1/{{.Group}}.json"}, wantCode: 2, want: "0 objects checked against Kubernetes v1.36.3: 0 valid, 0 invalid, 1 not checked (schema could not be fetched)"},
		{name: "an invalid object wins over a schema that cannot be fetched", file: "testdata/validate/invalid/enum.yaml",
			args: []string{"-f", "testdata/widget-v1.yaml", "--schema-location", "http://127.0.0.1:1/{{.Group}}.json"}, wantCode: 1, want: "validation failed with 1 problem(s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			if file == "" {
				file = "testdata/widget-v1.yaml"
			}
			r := converge(t, append([]string{"validate", "-f", file}, tc.args...)...)
			if r.code != tc.wantCode || !strings.Contains(r.stdout+r.stderr, tc.want) {
				t.Fatalf("exit %d (want %d), output does not contain %q:\n%s%s", r.code, tc.wantCode, tc.want, r.stdout, r.stderr)
			}
		})
	}
}

func TestValidateOutputFormats(t *testing.T) {
	f := "testdata/validate/invalid/enum.yaml"
	r := converge(t, "validate", "-f", f, "-o", "json")
	var out struct {
		Valid    bool `json:"valid"`
		Problems []struct {
			Object, File, Path, Reason string
			Line                       int
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 1 {
		t.Fatalf("json output (exit %d): %v\n%s", r.code, err, r.stdout)
	}
	if out.Valid || len(out.Problems) != 1 || out.Problems[0].Path != "spec.containers[0].imagePullPolicy" || out.Problems[0].File != f || out.Problems[0].Line != 1 {
		t.Fatalf("json problems: %+v", out)
	}
	j := converge(t, "validate", "-f", f, "-o", "junit")
	for _, want := range []string{`<testsuite name="converge validate`, `failures="1"`, `<failure message="spec.containers[0].imagePullPolicy`} {
		if !strings.Contains(j.stdout, want) {
			t.Errorf("junit output lacks %q:\n%s", want, j.stdout)
		}
	}
}

func TestApplyValidatesTheWholeSetFirst(t *testing.T) {
	ns := testcluster.Namespace(t)
	bad, err := os.ReadFile("testdata/validate/invalid/enum.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{
		"a-ok.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: should-not-exist\n",
		"b-bad.yaml": string(bad),
	})
	r := converge(t, "apply", "-n", ns, "-f", dir)
	if r.code == 0 || !strings.Contains(r.stderr, "nothing was applied") || !strings.Contains(r.stderr, "b-bad.yaml:1") || !strings.Contains(r.stderr, "spec.containers[0].imagePullPolicy") {
		t.Fatalf("apply of an invalid set: exit %d\n%s", r.code, r.stderr)
	}
	if g := kubectl(t, "get", "-n", ns, "configmap/should-not-exist"); g.code == 0 {
		t.Fatal("a valid object of an invalid set was applied")
	}
	// --validate=false sends it, and the API server is the one to refuse.
	r = converge(t, "apply", "-n", ns, "-f", dir, "--validate=false")
	if r.code == 0 || !strings.Contains(r.stderr, "Unsupported value") {
		t.Fatalf("apply --validate=false: exit %d\n%s", r.code, r.stderr)
	}
}

// TestApplyChecksCustomResourcesAgainstCRDFiles: apply validates against
// the bundled schemas plus --crds before it sends anything.
func TestApplyChecksCustomResourcesAgainstCRDFiles(t *testing.T) {
	ns := testcluster.Namespace(t)
	r := converge(t, "apply", "-n", ns, "-f", "testdata/widget-bad.yaml", "--schemas=bundled", "--crds", "testdata/crd-widgets.yaml")
	if r.code == 0 || !strings.Contains(r.stderr, "nothing was applied") || !strings.Contains(r.stderr, "testdata/widget-bad.yaml:1: spec.size: must be integer") {
		t.Fatalf("apply of an invalid widget: exit %d\n%s", r.code, r.stderr)
	}
}
