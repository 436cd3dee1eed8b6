package manifests

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/types"
)

const kustomizeFixtures = "testdata/kustomize"

// kubectlKustomize renders dir with the installed kubectl, the reference
// implementation, and decodes its output the way -f decodes a file.
func kubectlKustomize(t *testing.T, dir string) []map[string]any {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatalf("kubectl is not on PATH; it is the reference these tests compare with: %v", err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(kubectl, "kustomize", dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl kustomize %s: %v\n%s", dir, err, stderr.String())
	}
	objs, problems := decodeFile("kubectl kustomize "+dir, stdout.Bytes(), false)
	if len(problems) > 0 {
		t.Fatalf("decoding kubectl kustomize %s: %v", dir, problems)
	}
	out := make([]map[string]any, len(objs))
	for i, o := range objs {
		out[i] = o.Object
	}
	return out
}

// sortedMaps orders objects by kind, namespace and name, so two renderings
// compare as sets.
func sortedMaps(objs []map[string]any) []map[string]any {
	key := func(m map[string]any) string {
		u := unstructured.Unstructured{Object: m}
		return u.GetKind() + "/" + u.GetNamespace() + "/" + u.GetName()
	}
	out := append([]map[string]any(nil), objs...)
	sort.SliceStable(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}

func objectMaps(objs []Object) []map[string]any {
	out := make([]map[string]any, len(objs))
	for i, o := range objs {
		out[i] = o.Object
	}
	return out
}

// loadKustomize loads dir with -k and returns the objects, or the problems
// of the *LoadError.
func loadKustomize(t *testing.T, dir string) ([]Object, []Problem) {
	t.Helper()
	set, err := Load(context.Background(), Options{Kustomize: dir})
	if err == nil {
		return set.Objects, nil
	}
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("Load(-k %s) returned %T, want *LoadError: %v", dir, err, err)
	}
	return nil, le.Problems
}

// treeDigest hashes every file under dir, to show that loading wrote
// nothing.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		fmt.Fprintf(h, "%s %d\n", p, len(data))
		h.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestKustomizeMatchesKubectl renders the examples and the fixtures that
// build, and compares the objects with kubectl kustomize's, as sets.
func TestKustomizeMatchesKubectl(t *testing.T) {
	dirs := []string{
		"../examples/kustomize/base",
		"../examples/kustomize/overlays/dev",
		"../examples/kustomize/overlays/prod",
	}
	for _, f := range []string{"component", "secretgen", "json6902", "smp", "commonlabels", "multidoc", "annotations", "user-origins"} {
		dirs = append(dirs, filepath.Join(kustomizeFixtures, f))
	}
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			want := kubectlKustomize(t, dir)
			before := treeDigest(t, filepath.Dir(dir))
			got, problems := loadKustomize(t, dir)
			if len(problems) > 0 {
				t.Fatalf("Load(-k %s) problems: %v", dir, problems)
			}
			if diff := cmp.Diff(sortedMaps(want), sortedMaps(objectMaps(got))); diff != "" {
				t.Errorf("objects differ from kubectl kustomize %s (-want +got):\n%s", dir, diff)
			}
			for _, o := range got {
				if o.Origin.File == "" {
					t.Errorf("%s has no Origin.File", o.ID())
					continue
				}
				if info, err := os.Stat(o.Origin.File); err != nil || info.IsDir() {
					t.Errorf("%s: Origin.File %q is not an existing file (err %v)", o.ID(), o.Origin.File, err)
				}
			}
			if after := treeDigest(t, filepath.Dir(dir)); after != before {
				t.Errorf("loading %s changed files on disk", dir)
			}
		})
	}
}

// kustomizeObjSummary is an object's identity and origin, with the file
// relative to the fixture root.
func kustomizeObjSummary(root string, objs []Object) []string {
	var out []string
	for _, o := range objs {
		file := o.Origin.File
		if rel, err := filepath.Rel(root, file); err == nil {
			file = filepath.ToSlash(rel)
		}
		out = append(out, fmt.Sprintf("%s @ %s:%d doc %d", o.ID(), file, o.Origin.Line, o.Origin.Doc))
	}
	return out
}

type kustomizeWantProblem struct {
	// File is relative to the fixture root.
	File string
	// Contains are substrings the message must hold.
	Contains []string
}

func byName(objs []Object, kind, name string) *unstructured.Unstructured {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o.Unstructured
		}
	}
	return nil
}

func nested(t *testing.T, u *unstructured.Unstructured, path ...string) any {
	t.Helper()
	if u == nil {
		t.Fatalf("object missing, wanted field %v", path)
	}
	v, ok, err := unstructured.NestedFieldNoCopy(u.Object, path...)
	if err != nil || !ok {
		t.Fatalf("%s %s: field %v missing (%v)", u.GetKind(), u.GetName(), path, err)
	}
	return v
}

func container0(t *testing.T, u *unstructured.Unstructured) map[string]any {
	t.Helper()
	cs, _ := nested(t, u, "spec", "template", "spec", "containers").([]any)
	if len(cs) == 0 {
		t.Fatalf("%s has no containers", u.GetName())
	}
	return cs[0].(map[string]any)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestKustomizeFixtures(t *testing.T) {
	const secretHash = "db-creds-c4k98t77hh"
	tests := []struct {
		name string
		// dir is a fixture under testdata/kustomize; files, when set,
		// build a kustomization in a temporary directory instead.
		dir   string
		files map[string]string
		want  []string
		check func(t *testing.T, objs []Object)
		// wantProblems, when set, are the problems Load must report.
		wantProblems []kustomizeWantProblem
		// forbid are strings that must not appear in any problem.
		forbid []string
	}{
		{
			name: "component adds a resource and patches the base",
			dir:  "component",
			want: []string{
				"deployment.apps/web @ component/deployment.yaml:1 doc 0",
				"configmap/debug-settings @ component/debug/debug-config.yaml:1 doc 0",
			},
			check: func(t *testing.T, objs []Object) {
				env := container0(t, byName(objs, "Deployment", "web"))["env"]
				want := []any{map[string]any{"name": "LOG_LEVEL", "value": "debug"}}
				if diff := cmp.Diff(want, env); diff != "" {
					t.Errorf("env (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "secretGenerator with literal and env file, reference renamed",
			dir:  "secretgen",
			want: []string{
				"deployment.apps/api @ secretgen/deployment.yaml:1 doc 0",
				"secret/" + secretHash + " @ secretgen/kustomization.yaml:6 doc 0",
			},
			check: func(t *testing.T, objs []Object) {
				s := byName(objs, "Secret", secretHash)
				want := map[string]any{"password": b64("s3cr3t-literal-value"), "TOKEN": b64("s3cr3t-env-value")}
				if diff := cmp.Diff(want, nested(t, s, "data")); diff != "" {
					t.Errorf("secret data (-want +got):\n%s", diff)
				}
				ref := container0(t, byName(objs, "Deployment", "api"))["envFrom"]
				wantRef := []any{map[string]any{"secretRef": map[string]any{"name": secretHash}}}
				if diff := cmp.Diff(wantRef, ref); diff != "" {
					t.Errorf("envFrom (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "JSON 6902 patches, from a file and inline",
			dir:  "json6902",
			want: []string{"service/web @ json6902/service.yaml:1 doc 0"},
			check: func(t *testing.T, objs []Object) {
				svc := byName(objs, "Service", "web")
				if got := nested(t, svc, "spec", "type"); got != "NodePort" {
					t.Errorf("spec.type = %v, want NodePort", got)
				}
				want := []any{
					map[string]any{"name": "http", "port": int64(80), "targetPort": int64(8080)},
					map[string]any{"name": "metrics", "port": int64(9090), "targetPort": int64(9090)},
				}
				if diff := cmp.Diff(want, nested(t, svc, "spec", "ports")); diff != "" {
					t.Errorf("ports (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "strategic merge patch merges the container by name",
			dir:  "smp",
			want: []string{"deployment.apps/web @ smp/deployment.yaml:1 doc 0"},
			check: func(t *testing.T, objs []Object) {
				d := byName(objs, "Deployment", "web")
				if got := nested(t, d, "spec", "replicas"); got != int64(3) {
					t.Errorf("replicas = %#v, want int64(3)", got)
				}
				want := map[string]any{
					"name":      "web",
					"image":     "registry.example/web:1.0",
					"resources": map[string]any{"limits": map[string]any{"memory": "128Mi", "cpu": 0.5}},
				}
				if diff := cmp.Diff(want, container0(t, d)); diff != "" {
					t.Errorf("container (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "commonLabels reach selectors and templates, commonAnnotations metadata",
			dir:  "commonlabels",
			want: []string{
				"deployment.apps/web @ commonlabels/deployment.yaml:1 doc 0",
				"service/web @ commonlabels/service.yaml:1 doc 0",
			},
			check: func(t *testing.T, objs []Object) {
				d, s := byName(objs, "Deployment", "web"), byName(objs, "Service", "web")
				for _, path := range [][]string{
					{"metadata", "labels", "team"},
					{"spec", "selector", "matchLabels", "team"},
					{"spec", "template", "metadata", "labels", "team"},
				} {
					if got := nested(t, d, path...); got != "payments" {
						t.Errorf("deployment %v = %v, want payments", path, got)
					}
				}
				if got := nested(t, s, "spec", "selector", "team"); got != "payments" {
					t.Errorf("service selector team = %v, want payments", got)
				}
				if diff := cmp.Diff(map[string]string{"owner": "team-a"}, s.GetAnnotations()); diff != "" {
					t.Errorf("service annotations (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "a resource file with two documents, with a name prefix",
			dir:  "multidoc",
			want: []string{
				"deployment.apps/shop-cart @ multidoc/app.yaml:2 doc 0",
				"service/shop-cart @ multidoc/app.yaml:19 doc 1",
			},
		},
		{
			name: "user annotations are kept, origin annotations are not added",
			dir:  "annotations",
			want: []string{
				"configmap/annotated @ annotations/configmaps.yaml:1 doc 0",
				"configmap/empty-annotations @ annotations/configmaps.yaml:11 doc 1",
				"configmap/no-annotations @ annotations/configmaps.yaml:19 doc 2",
			},
			check: func(t *testing.T, objs []Object) {
				want := map[string]string{"example.com/note": "keep me", "example.com/number": "42"}
				if diff := cmp.Diff(want, byName(objs, "ConfigMap", "annotated").GetAnnotations()); diff != "" {
					t.Errorf("annotations (-want +got):\n%s", diff)
				}
				// kubectl kustomize drops an empty annotations map too.
				for _, name := range []string{"empty-annotations", "no-annotations"} {
					md := byName(objs, "ConfigMap", name).Object["metadata"].(map[string]any)
					if _, ok := md["annotations"]; ok {
						t.Errorf("%s: metadata.annotations = %v, want it absent", name, md["annotations"])
					}
				}
			},
		},
		{
			name: "origin annotations the user asked for stay",
			dir:  "user-origins",
			want: []string{
				"configmap/shared @ user-origins/configmap.yaml:1 doc 0",
				"configmap/settings-t82mkhg8fd @ user-origins/kustomization.yaml:7 doc 0",
			},
			check: func(t *testing.T, objs []Object) {
				got := byName(objs, "ConfigMap", "shared").GetAnnotations()["config.kubernetes.io/origin"]
				if got != "path: configmap.yaml\n" {
					t.Errorf("origin annotation = %q, want the path", got)
				}
			},
		},
		{
			name: "kustomization in a file that only the kustomization.yml name marks",
			files: map[string]string{
				"kustomization.yml": "resources:\n- cm.yaml\nnamespace: x\n",
				"cm.yaml":           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
			},
			want: []string{"configmap/cm (ns x) @ cm.yaml:1 doc 0"},
		},
		{
			name: "JSON kustomization with buildMetadata already set",
			files: map[string]string{
				"kustomization.yaml": `{"resources": ["cm.yaml"], "buildMetadata": ["transformerAnnotations"]}`,
				"cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
			},
			want: []string{"configmap/cm @ cm.yaml:1 doc 0"},
			check: func(t *testing.T, objs []Object) {
				if a := objs[0].GetAnnotations(); len(a) != 0 {
					t.Errorf("annotations = %v, want none", a)
				}
			},
		},
		{
			name: "missing resource file",
			dir:  "missing-resource",
			wantProblems: []kustomizeWantProblem{{
				File:     "missing-resource/kustomization.yaml",
				Contains: []string{"accumulating resources from 'missing.yaml'", "no such file or directory", "check the paths listed in"},
			}},
		},
		{
			name: "directory without a kustomization",
			dir:  "no-kustomization",
			wantProblems: []kustomizeWantProblem{{
				File:     "no-kustomization",
				Contains: []string{"no kustomization.yaml, kustomization.yml or Kustomization", "use -f " + filepath.Join(kustomizeFixtures, "no-kustomization")},
			}},
		},
		{
			name: "file outside the root is refused by the load restrictor",
			dir:  "outside-root",
			wantProblems: []kustomizeWantProblem{{
				File:     "outside-root/kustomization.yaml",
				Contains: []string{"security; file", "is not in or below", "kustomize only reads files inside"},
			}},
		},
		{
			name: "invalid JSON 6902 patch",
			dir:  "bad-patch",
			wantProblems: []kustomizeWantProblem{{
				File:     "bad-patch/kustomization.yaml",
				Contains: []string{"Unexpected kind: frobnicate", "fix the patch"},
			}},
		},
		{
			name: "helmCharts would run helm",
			files: map[string]string{
				"kustomization.yaml": "helmCharts:\n- {name: web, repo: https://charts.example.com, version: 1.0.0}\n",
			},
			wantProblems: []kustomizeWantProblem{{
				File:     "kustomization.yaml",
				Contains: []string{"--enable-helm", "helmCharts runs helm, which converge does not run"},
			}},
		},
		{
			name: "path that does not exist",
			dir:  "no-such-dir",
			wantProblems: []kustomizeWantProblem{{
				File:     "no-such-dir",
				Contains: []string{"no such directory", "-k"},
			}},
		},
		{
			name: "secret literal without a key is not quoted",
			dir:  "secretgen-bad",
			wantProblems: []kustomizeWantProblem{{
				File:     "secretgen-bad/kustomization.yaml",
				Contains: []string{"invalid literal source", "KEY=VALUE"},
			}},
			forbid: []string{"s3cr3t", "leading-equals"},
		},
		{
			name: "secret env file with invalid UTF-8 is not quoted",
			files: map[string]string{
				"kustomization.yaml": "secretGenerator:\n- name: creds\n  literals:\n  - other=s3cr3t-sibling\n  envs:\n  - creds.env\n",
				"creds.env":          "TOKEN=s3cr3t-env-\xff-value\n",
			},
			wantProblems: []kustomizeWantProblem{{
				File:     "kustomization.yaml",
				Contains: []string{"invalid utf8", "KEY=VALUE"},
			}},
			forbid: []string{"s3cr3t", "115 51 99"}, // the bytes of "s3c" as kustomize prints them
		},
		{
			name: "secret literals listed beside a bad one are not quoted",
			files: map[string]string{
				"kustomization.yaml": "secretGenerator:\n- name: creds\n  literals:\n  - password=s3cr3t-first\n  - no-equals-sign\n",
			},
			wantProblems: []kustomizeWantProblem{{
				File:     "kustomization.yaml",
				Contains: []string{`invalid literal source "(hidden)"`},
			}},
			forbid: []string{"s3cr3t"},
		},
		{
			name: "ambiguous reference does not dump the secrets it could mean",
			files: map[string]string{
				"kustomization.yaml":   "namePrefix: top-\nresources:\n- a\n- b\n- storageclass.yaml\n",
				"a/kustomization.yaml": "namePrefix: a-\nnamespace: a\nresources:\n- secret.yaml\n",
				"a/secret.yaml":        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  k: " + b64("s3cr3t-in-a") + "\n",
				"b/kustomization.yaml": "namePrefix: b-\nnamespace: b\nresources:\n- secret.yaml\n",
				"b/secret.yaml":        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  k: " + b64("s3cr3t-in-b") + "\n",
				// Cluster-scoped, so it could mean either Secret.
				"storageclass.yaml": "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: example.com/fast\nparameters:\n  secretName: creds\n",
			},
			wantProblems: []kustomizeWantProblem{{
				File:     "kustomization.yaml",
				Contains: []string{"found multiple possible referrals: Secret.v1.[noGrp]/top-a-creds.a, Secret.v1.[noGrp]/top-b-creds.b", "distinct names"},
			}},
			forbid: []string{"s3cr3t", b64("s3cr3t-in-a"), b64("s3cr3t-in-b")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := kustomizeFixtures
			dir := filepath.Join(root, tt.dir)
			if tt.files != nil {
				root = t.TempDir()
				dir = root
				for rel, content := range tt.files {
					p := filepath.Join(root, filepath.FromSlash(rel))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			objs, problems := loadKustomize(t, dir)
			for _, p := range problems {
				for _, f := range tt.forbid {
					if strings.Contains(p.Error(), f) {
						t.Errorf("problem quotes %q: %s", f, p.Error())
					}
				}
			}
			if tt.wantProblems != nil {
				var got []kustomizeWantProblem
				for i, p := range problems {
					file := p.Origin.File
					if rel, err := filepath.Rel(root, file); err == nil {
						file = filepath.ToSlash(rel)
					}
					w := kustomizeWantProblem{File: file}
					if i < len(tt.wantProblems) {
						for _, sub := range tt.wantProblems[i].Contains {
							if strings.Contains(p.Message, sub) {
								w.Contains = append(w.Contains, sub)
							}
						}
					}
					got = append(got, w)
				}
				if diff := cmp.Diff(tt.wantProblems, got); diff != "" {
					t.Errorf("problems (-want +got):\n%s\nmessages: %v", diff, problems)
				}
				return
			}
			if len(problems) > 0 {
				t.Fatalf("Load(-k %s) problems: %v", dir, problems)
			}
			if diff := cmp.Diff(tt.want, kustomizeObjSummary(root, objs)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			for _, o := range objs {
				if _, ok := o.GetAnnotations()["config.kubernetes.io/origin"]; ok && tt.dir != "user-origins" {
					t.Errorf("%s kept kustomize's origin annotation", o.ID())
				}
			}
			if tt.check != nil {
				tt.check(t, objs)
			}
		})
	}
}

// TestKustomizeNumberTypes checks that objects converted from kustomize's
// maps hold the same Go types as the same YAML decoded with -f
// (sigs.k8s.io/yaml.YAMLToJSON, then apimachinery's JSON decoder): int64
// for integers, float64 for the rest.
func TestKustomizeNumberTypes(t *testing.T) {
	const numbers = `apiVersion: example.com/v1
kind: Numbers
metadata:
  name: numbers
spec:
  int: 3
  negative: -42
  zero: 0
  octal: 0o17
  hex: 0x1F
  float: 0.5
  integralFloat: 1.0
  exponent: 1e3
  smallExponent: 2.5e-3
  bigInt: 9223372036854775807
  tooBigInt: 18446744073709551616
  hugeFloat: 1e30
  quoted: "7"
  bool: true
  nothing: null
  list: [1, 2.5, -3.0, "4"]
  nested:
    deeper:
      - a: 10
        b: 1.25
`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "numbers.yaml"), []byte(numbers), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte("resources:\n- numbers.yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, problems := loadKustomize(t, dir)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	want, problems := decodeFile("numbers.yaml", []byte(numbers), false)
	if len(problems) > 0 {
		t.Fatalf("decoding: %v", problems)
	}
	if len(got) != 1 {
		t.Fatalf("got %d objects, want 1", len(got))
	}
	if diff := cmp.Diff(want[0].Object, got[0].Object); diff != "" {
		t.Errorf("kustomize object differs from the -f decoding (-want +got):\n%s", diff)
	}
	spec := got[0].Object["spec"].(map[string]any)
	for field, want := range map[string]any{
		"int": int64(3), "integralFloat": int64(1), "exponent": int64(1000), "float": 0.5,
		"tooBigInt": 18446744073709551616.0, "hugeFloat": 1e30, "quoted": "7",
	} {
		if spec[field] != want {
			t.Errorf("spec.%s = %#v (%T), want %#v (%T)", field, spec[field], spec[field], want, want)
		}
	}
}

func TestNormalizeValue(t *testing.T) {
	tests := []struct {
		in   any
		want any
	}{
		{in: 3, want: int64(3)},
		{in: int32(-3), want: int64(-3)},
		{in: int64(7), want: int64(7)},
		{in: uint64(math.MaxInt64), want: int64(math.MaxInt64)},
		{in: uint64(math.MaxUint64), want: float64(math.MaxUint64)},
		{in: 2.0, want: int64(2)},
		{in: -0.0, want: int64(0)},
		{in: 2.5, want: 2.5},
		{in: 1e19, want: 1e19},
		{in: 1e-7, want: 1e-7},
		{in: "1", want: "1"},
		{in: true, want: true},
		{in: nil, want: nil},
		{in: []any{1, 1.5}, want: []any{int64(1), 1.5}},
		{in: map[any]any{1: 2, true: "x", "k": 3.0}, want: map[string]any{"1": int64(2), "true": "x", "k": int64(3)}},
		// kyaml decodes an unquoted timestamp to time.Time; kubectl
		// kustomize prints it in RFC 3339.
		{in: time.Date(2001, 12, 14, 0, 0, 0, 0, time.UTC), want: "2001-12-14T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T %v", tt.in, tt.in), func(t *testing.T) {
			got, err := normalizeValue(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		if _, err := normalizeValue(bad); err == nil {
			t.Errorf("normalizeValue(%v) succeeded, want an error", bad)
		}
	}
}

func TestWithOriginAnnotations(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []string // buildMetadata after the change
		user     bool
		same     bool // content returned unchanged
		appended bool // the original bytes are a prefix of the result
	}{
		{name: "no buildMetadata", in: "resources:\n- a.yaml\n", want: []string{"originAnnotations"}, appended: true},
		{name: "no trailing newline", in: "resources:\n- a.yaml", want: []string{"originAnnotations"}, appended: true},
		{name: "block scalar at the end", in: "resources:\n- a.yaml\npatches:\n- patch: |\n    - op: remove\n      path: /x\n  target:\n    kind: A\n", want: []string{"originAnnotations"}, appended: true},
		{name: "existing list", in: "resources:\n- a.yaml\nbuildMetadata:\n- managedByLabel\n", want: []string{"managedByLabel", "originAnnotations"}},
		{name: "existing flow list", in: "buildMetadata: [transformerAnnotations]\nresources: [a.yaml]\n", want: []string{"transformerAnnotations", "originAnnotations"}},
		{name: "null buildMetadata", in: "buildMetadata:\nresources: [a.yaml]\n", want: []string{"originAnnotations"}},
		{name: "JSON", in: `{"resources": ["a.yaml"]}`, want: []string{"originAnnotations"}},
		{name: "user asked already", in: "resources: [a.yaml]\nbuildMetadata: [originAnnotations]\n", want: []string{"originAnnotations"}, user: true, same: true},
		{name: "empty kustomization stays empty", in: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n", same: true},
		{name: "invalid kustomization untouched", in: "resources: [a.yaml]\nnotAField: 1\n", same: true},
		{name: "invalid YAML untouched", in: "resources: [a.yaml\n", same: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, user := withOriginAnnotations([]byte(tt.in))
			if user != tt.user {
				t.Errorf("user = %v, want %v", user, tt.user)
			}
			if tt.same {
				if string(out) != tt.in {
					t.Errorf("content changed:\n%s", out)
				}
				return
			}
			if tt.appended && !strings.HasPrefix(string(out), tt.in) {
				t.Errorf("content was rewritten, want a line appended:\n%s", out)
			}
			var k, orig types.Kustomization
			if err := k.Unmarshal(out); err != nil {
				t.Fatalf("result does not decode: %v\n%s", err, out)
			}
			if err := orig.Unmarshal([]byte(tt.in)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, k.BuildMetadata); diff != "" {
				t.Errorf("buildMetadata (-want +got):\n%s", diff)
			}
			k.BuildMetadata, orig.BuildMetadata = nil, nil
			wantJSON, _ := json.Marshal(orig)
			gotJSON, _ := json.Marshal(k)
			if diff := cmp.Diff(string(wantJSON), string(gotJSON)); diff != "" {
				t.Errorf("the rest of the kustomization changed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKustomizeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, Options{Kustomize: "../examples/kustomize/base"})
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 1 || !strings.Contains(le.Problems[0].Message, context.Canceled.Error()) {
		t.Fatalf("Load with a cancelled context = %v, want one problem saying %q", err, context.Canceled)
	}
}

// writeBenchKustomization writes a kustomization with n resources, half
// ConfigMaps and half Deployments, perFile documents to a file, with a
// namespace, commonLabels and an image override, like hack/bench-render.sh.
func writeBenchKustomization(tb testing.TB, dir string, n, perFile int) {
	tb.Helper()
	var files []string
	write := func(kind string, count int, doc func(i int) string) {
		var b strings.Builder
		flush := func(idx int) {
			name := fmt.Sprintf("%s-%03d.yaml", kind, idx)
			if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
				tb.Fatal(err)
			}
			files = append(files, name)
			b.Reset()
		}
		for i := 1; i <= count; i++ {
			b.WriteString("---\n")
			b.WriteString(doc(i))
			if i%perFile == 0 || i == count {
				flush((i - 1) / perFile)
			}
		}
	}
	write("configmap", n/2, func(i int) string {
		return fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%05d\n  labels:\n    bench: render\ndata:\n  key: value-%d\n  other: \"%d\"\n", i, i, i)
	})
	write("deployment", n-n/2, func(i int) string {
		return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-%05d
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web-%05d
  template:
    metadata:
      labels:
        app: web-%05d
    spec:
      containers:
        - name: web
          image: registry.example/web:1.0
          ports:
            - containerPort: 8080
          env:
            - name: INDEX
              value: "%d"
`, i, i, i, i)
	})
	k := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: bench-render\n" +
		"commonLabels:\n  app.kubernetes.io/part-of: bench\nimages:\n  - name: registry.example/web\n    newTag: \"2.0\"\nresources:\n"
	for _, f := range files {
		k += "  - " + f + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte(k), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func BenchmarkRenderKustomization4000(b *testing.B) {
	dir := b.TempDir()
	writeBenchKustomization(b, dir, 4000, 100)
	ctx := context.Background()
	for b.Loop() {
		set, err := Load(ctx, Options{Kustomize: dir})
		if err != nil {
			b.Fatal(err)
		}
		if set.Len() != 4000 {
			b.Fatalf("rendered %d objects, want 4000", set.Len())
		}
	}
}
