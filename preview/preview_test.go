package preview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
	"github.com/convergehq/converge/schemas"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
)

// repo is a work tree with commits, as a pull request's checkout.
type repo struct {
	t   *testing.T
	dir string
	git *git.Repository
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	dir := t.TempDir()
	g, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	return &repo{t: t, dir: dir, git: g}
}

// write sets files in the work tree; content "" removes one.
func (r *repo) write(files map[string]string) {
	r.t.Helper()
	for name, content := range files {
		p := filepath.Join(r.dir, name)
		if content == "" {
			if err := os.Remove(p); err != nil {
				r.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

// commit writes files and commits the whole work tree.
func (r *repo) commit(subject string, files map[string]string) {
	r.t.Helper()
	r.write(files)
	wt, err := r.git.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
	sig := &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Now()}
	if _, err := wt.Commit(subject, &git.CommitOptions{Author: sig, AllowEmptyCommits: true}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) branch(name string) {
	r.t.Helper()
	head, err := r.git.Head()
	if err != nil {
		r.t.Fatal(err)
	}
	ref := plumbingRef(name, head)
	if err := r.git.Storer.SetReference(ref); err != nil {
		r.t.Fatal(err)
	}
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: flask
spec:
  replicas: 1
  selector: {matchLabels: {app: flask}}
  template:
    metadata: {labels: {app: flask}}
    spec:
      containers:
      - name: flask
        image: quay.io/kubernetes-for-developers/flask:0.1.0
`

func cm(name, v string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  v: \"" + v + "\"\n"
}

// summary names each changed object with its action.
func summary(r diff.Report) []string {
	var out []string
	for _, e := range r.Entries {
		out = append(out, string(e.Action)+" "+e.ID.KindName())
	}
	sort.Strings(out)
	return out
}

func run(t *testing.T, r *repo, base, head string, load manifests.Options) (Result, error) {
	t.Helper()
	return Run(context.Background(), Options{Load: load, Base: base, Head: head, Dir: r.dir, Validate: true})
}

// TestOverlayImageChange: a kustomize overlay's image changes between
// main and the work tree.
func TestOverlayImageChange(t *testing.T) {
	r := newRepo(t)
	r.commit("base", map[string]string{
		"base/deployment.yaml":             deployment,
		"base/kustomization.yaml":          "resources:\n- deployment.yaml\n",
		"overlays/prod/kustomization.yaml": "resources:\n- ../../base\nimages:\n- name: quay.io/kubernetes-for-developers/flask\n  newTag: 0.1.0\n",
	})
	r.branch("main")
	r.write(map[string]string{"overlays/prod/kustomization.yaml": "resources:\n- ../../base\nimages:\n- name: quay.io/kubernetes-for-developers/flask\n  newTag: 0.1.1\nreplicas:\n- name: flask\n  count: 3\n"})
	res, err := run(t, r, "main", "", manifests.Options{Kustomize: filepath.Join(r.dir, "overlays/prod")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"configured deployment.apps/flask"}, summary(res.Report)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	var fields []string
	for _, f := range res.Report.Entries[0].Fields {
		fields = append(fields, fmt.Sprintf("%s: %v → %v", f.Path, f.Before, f.After))
	}
	want := []string{"spec.replicas: 1 → 3", "spec.template.spec.containers[0].image: quay.io/kubernetes-for-developers/flask:0.1.0 → quay.io/kubernetes-for-developers/flask:0.1.1"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

// TestRemovedFileRenamedObjectAndSecret: between two commits, a removed
// file is a prune, a renamed object a prune and a create, and a Secret's
// change shows no value.
func TestRemovedFileRenamedObjectAndSecret(t *testing.T) {
	r := newRepo(t)
	secret := func(v string) string {
		return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: " + v + "\n"
	}
	r.commit("v1", map[string]string{"app/a.yaml": cm("a", "1"), "app/b.yaml": cm("b", "1"), "app/secret.yaml": secret("hunter2-old")})
	r.branch("v1")
	r.commit("v2", map[string]string{"app/a.yaml": cm("a-renamed", "1"), "app/b.yaml": "", "app/secret.yaml": secret("hunter2-new")})
	res, err := run(t, r, "v1", "HEAD", manifests.Options{Paths: []string{filepath.Join(r.dir, "app")}, Recursive: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"configured secret/db", "created configmap/a-renamed", "pruned configmap/a", "pruned configmap/b"}
	if diff := cmp.Diff(want, summary(res.Report)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	var out bytes.Buffer
	for _, write := range []func() error{
		func() error { return res.Report.WriteText(&out, false) },
		func() error { return res.Report.WriteJSON(&out) },
		func() error { return res.Report.WriteMarkdown(&out) },
	} {
		if err := write(); err != nil {
			t.Fatal(err)
		}
	}
	for _, secret := range []string{"hunter2", "aHVudGVyMi"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("the preview shows a secret value %q", secret)
		}
	}
	if !strings.Contains(out.String(), "v1 (") || !strings.Contains(out.String(), "HEAD (") {
		t.Errorf("the diff does not name the revisions:\n%s", out.String())
	}
}

// TestInvalidHeadAndCustomResources: the head's problems are located as
// path:line; a custom resource is checked against the CRD of its set.
func TestInvalidHeadAndCustomResources(t *testing.T) {
	r := newRepo(t)
	crd := `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
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
	widget := func(size string) string {
		return "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: " + size + "\n"
	}
	r.commit("v1", map[string]string{"app/crd.yaml": crd, "app/widget.yaml": widget("1")})
	r.branch("main")
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{name: "a CR that breaks its CRD's schema", files: map[string]string{"app/widget.yaml": widget(`"big"`)}, want: "app/widget.yaml:"},
		{name: "invalid YAML", files: map[string]string{"app/widget.yaml": widget("1"), "app/bad.yaml": "kind: ConfigMap\ndata: [\n"}, want: "app/bad.yaml:"},
	}
	load := manifests.Options{Paths: []string{filepath.Join(r.dir, "app")}}
	res, err := run(t, r, "main", "", load)
	if err != nil || res.Report.HasChanges() {
		t.Fatalf("no change: %v %v", summary(res.Report), err)
	}
	for _, tt := range tests {
		r.write(tt.files)
		_, err := run(t, r, "main", "", load)
		pe, ok := errors.AsType[*ProblemsError](err)
		if !ok || !strings.Contains(pe.Error(), tt.want) || !strings.HasPrefix(pe.Side, "head") {
			t.Errorf("%s: err = %v, want a head problem at %s", tt.name, err, tt.want)
		}
	}
}

func TestUnknownBase(t *testing.T) {
	r := newRepo(t)
	r.commit("v1", map[string]string{"app/a.yaml": cm("a", "1")})
	_, err := run(t, r, "origin/main", "", manifests.Options{Paths: []string{filepath.Join(r.dir, "app")}})
	if err == nil || !strings.Contains(err.Error(), "fetch-depth: 0") {
		t.Errorf("err = %v", err)
	}
}

func plumbingRef(name string, head *plumbing.Reference) *plumbing.Reference {
	return plumbing.NewHashReference(plumbing.NewBranchReferenceName(name), head.Hash())
}

// TestCustomResourceAgainstCatalogSchema: a Certificate has no CRD in the
// repository; its schema comes from a copy of the CRDs-catalog, as
// --schema-location gives it, and without it the head cannot validate.
func TestCustomResourceAgainstCatalogSchema(t *testing.T) {
	bundled, err := schemas.Bundled("")
	if err != nil {
		t.Fatal(err)
	}
	withCatalog, err := bundled.WithLocations([]string{"../schemas/testdata/locations/catalog"}, schemas.LocationOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	cert := func(issuer string) string {
		return "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web}\nspec:\n  secretName: web-tls\n  issuerRef: {" + issuer + "}\n"
	}
	r := newRepo(t)
	r.commit("v1", map[string]string{"app/cert.yaml": cert("name: ca")})
	r.branch("main")
	load := manifests.Options{Paths: []string{filepath.Join(r.dir, "app")}}
	tests := []struct {
		name    string
		issuer  string
		catalog *schemas.Catalog
		want    []string
		wantErr string
	}{
		{name: "valid change", issuer: "name: letsencrypt", catalog: withCatalog, want: []string{"configured certificate.cert-manager.io/web"}},
		{name: "invalid head", issuer: "nam: letsencrypt", catalog: withCatalog, wantErr: `certificate.cert-manager.io/web from app/cert.yaml:1: spec.issuerRef: required field "name" is missing`},
		{name: "no schema", issuer: "name: letsencrypt", catalog: bundled, wantErr: "no schema for cert-manager.io/v1, Kind=Certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.write(map[string]string{"app/cert.yaml": cert(tt.issuer)})
			res, err := Run(context.Background(), Options{Load: load, Base: "main", Dir: r.dir, Validate: true, Catalog: tt.catalog})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summary(res.Report)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
