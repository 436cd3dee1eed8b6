package manifests

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// configMapYAML returns a one-document ConfigMap manifest.
func configMapYAML(ns, name string) string {
	s := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n"
	if ns != "" {
		s += "  namespace: " + ns + "\n"
	}
	return s
}

// writeTree creates files (slash-separated paths relative to dir) with the
// given contents.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// inDir makes a relative origin file absolute under dir; "-" stays stdin.
func inDir(dir, rel string) string {
	if rel == "-" {
		return "-"
	}
	return filepath.Join(dir, filepath.FromSlash(rel))
}

func pathsIn(dir string, rels []string) []string {
	var out []string
	for _, r := range rels {
		out = append(out, inDir(dir, r))
	}
	return out
}

func TestLoad(t *testing.T) {
	tree := map[string]string{
		"a.yaml":          configMapYAML("", "a"),
		"b.yml":           configMapYAML("", "b"),
		"c.json":          `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}`,
		"d.YAML":          configMapYAML("", "d"),
		"notes.txt":       configMapYAML("", "txt"),
		"README.md":       "# not a manifest\n",
		"manifest":        configMapYAML("", "noext"),
		"sub/e.yaml":      configMapYAML("", "e"),
		"sub/deep/f.yaml": configMapYAML("", "f"),
		"sub/skip.txt":    "not: read\n",
	}
	type want struct {
		Name string
		File string
		Line int
	}
	tests := []struct {
		name      string
		paths     []string // relative to the tree, "-" for stdin
		recursive bool
		stdin     string
		want      []want
	}{
		{
			name:  "directory is read non-recursively, manifest extensions only, in lexical order",
			paths: []string{"."},
			want:  []want{{"a", "a.yaml", 1}, {"b", "b.yml", 1}, {"c", "c.json", 1}, {"d", "d.YAML", 1}},
		},
		{
			name:      "directory is read recursively with Recursive",
			paths:     []string{"."},
			recursive: true,
			want: []want{
				{"a", "a.yaml", 1}, {"b", "b.yml", 1}, {"c", "c.json", 1}, {"d", "d.YAML", 1},
				{"f", "sub/deep/f.yaml", 1}, {"e", "sub/e.yaml", 1},
			},
		},
		{
			name:  "subdirectory named directly",
			paths: []string{"sub"},
			want:  []want{{"e", "sub/e.yaml", 1}},
		},
		{
			name:  "explicit file of any extension is read",
			paths: []string{"notes.txt", "manifest"},
			want:  []want{{"txt", "notes.txt", 1}, {"noext", "manifest", 1}},
		},
		{
			name:  "paths are read in the order given",
			paths: []string{"sub", "a.yaml"},
			want:  []want{{"e", "sub/e.yaml", 1}, {"a", "a.yaml", 1}},
		},
		{
			name:  "stdin",
			paths: []string{"-"},
			stdin: "# from a pipe\n" + configMapYAML("", "piped") + "---\n" + configMapYAML("", "piped2"),
			want:  []want{{"piped", "-", 2}, {"piped2", "-", 7}},
		},
		{
			name:  "stdin mixed with files",
			paths: []string{"a.yaml", "-"},
			stdin: configMapYAML("", "piped"),
			want:  []want{{"a", "a.yaml", 1}, {"piped", "-", 1}},
		},
	}
	dir := t.TempDir()
	writeTree(t, dir, tree)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(context.Background(), Options{
				Paths:     pathsIn(dir, tt.paths),
				Recursive: tt.recursive,
				Stdin:     strings.NewReader(tt.stdin),
			})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var got []want
			for _, o := range set.Objects {
				got = append(got, want{Name: o.GetName(), File: o.Origin.File, Line: o.Origin.Line})
			}
			var wantAbs []want
			for _, w := range tt.want {
				wantAbs = append(wantAbs, want{Name: w.Name, File: inDir(dir, w.File), Line: w.Line})
			}
			if diff := cmp.Diff(wantAbs, got); diff != "" {
				t.Errorf("Load objects mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(len(tt.want), set.Len()); diff != "" {
				t.Errorf("Set.Len mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadProblems(t *testing.T) {
	// Files are relative to the test's directory; messages may contain
	// $DIR, replaced by that directory.
	type wantP = wantProblem
	tests := []struct {
		name      string
		files     map[string]string
		paths     []string
		recursive bool
		stdin     string
		want      []wantP
	}{
		{
			name: "two bad files give two problems",
			files: map[string]string{
				"a.yaml": "kind: ConfigMap\nmetadata:\n  name: a\n",
				"b.yaml": configMapYAML("", "ok") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: b\n",
				"c.yaml": configMapYAML("", "good"),
			},
			paths: []string{"."},
			want: []wantP{
				{File: "a.yaml", Line: 1, Field: "apiVersion", MessagePrefix: "missing; every Kubernetes object needs apiVersion and kind"},
				{File: "b.yaml", Doc: 1, Line: 9, MessagePrefix: "invalid YAML: found character that cannot start any token"},
			},
		},
		{
			name:  "missing path",
			paths: []string{"nope.yaml"},
			want: []wantP{
				{File: "nope.yaml", MessagePrefix: "cannot read: no such file or directory; check the path given to -f"},
			},
		},
		{
			name: "kustomization directory suggests -k",
			files: map[string]string{
				"app/kustomization.yaml": "resources:\n- a.yaml\n",
				"app/a.yaml":             configMapYAML("", "a"),
			},
			paths: []string{"app"},
			want: []wantP{
				{File: "app/kustomization.yaml", MessagePrefix: "$DIR/app is a kustomization, not a set of objects; use -k $DIR/app"},
			},
		},
		{
			name: "kustomization.yml and Kustomization are recognised",
			files: map[string]string{
				"one/kustomization.yml": "resources: []\n",
				"two/Kustomization":     "resources: []\n",
			},
			paths: []string{"one", "two"},
			want: []wantP{
				{File: "one/kustomization.yml", MessagePrefix: "$DIR/one is a kustomization, not a set of objects; use -k $DIR/one"},
				{File: "two/Kustomization", MessagePrefix: "$DIR/two is a kustomization, not a set of objects; use -k $DIR/two"},
			},
		},
		{
			name: "kustomization in a subdirectory with Recursive",
			files: map[string]string{
				"a.yaml":                     configMapYAML("", "a"),
				"overlay/kustomization.yaml": "resources: []\n",
			},
			paths:     []string{"."},
			recursive: true,
			want: []wantP{
				{File: "overlay/kustomization.yaml", MessagePrefix: "$DIR/overlay is a kustomization, not a set of objects; use -k $DIR/overlay"},
			},
		},
		{
			name: "duplicate across files names both origins",
			files: map[string]string{
				"a.yaml": configMapYAML("shop", "x"),
				"b.yaml": "# again\n" + configMapYAML("shop", "x"),
			},
			paths: []string{"."},
			want: []wantP{
				{File: "b.yaml", Line: 2, MessagePrefix: "configmap/x (ns shop) is defined twice, first at $DIR/a.yaml:1; remove one of them"},
			},
		},
		{
			name: "duplicate within one file",
			files: map[string]string{
				"a.yaml": configMapYAML("", "x") + "---\n" + configMapYAML("", "x"),
			},
			paths: []string{"a.yaml"},
			want: []wantP{
				{File: "a.yaml", Doc: 1, Line: 6, MessagePrefix: "configmap/x is defined twice, first at $DIR/a.yaml:1; remove one of them"},
			},
		},
		{
			name: "duplicate between stdin and a file",
			files: map[string]string{
				"a.yaml": configMapYAML("", "x"),
			},
			paths: []string{"a.yaml", "-"},
			stdin: configMapYAML("", "x"),
			want: []wantP{
				{File: "-", Line: 1, MessagePrefix: "configmap/x is defined twice, first at $DIR/a.yaml:1; remove one of them"},
			},
		},
		{
			name: "same group and kind in another version is a duplicate",
			files: map[string]string{
				"a.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
				"b.yaml": "apiVersion: example.com/v2\nkind: Widget\nmetadata:\n  name: w\n",
			},
			paths: []string{"."},
			want: []wantP{
				{File: "b.yaml", Line: 1, MessagePrefix: "widget.example.com/w is defined twice, first at $DIR/a.yaml:1"},
			},
		},
		{
			name: "the same file twice duplicates every object",
			files: map[string]string{
				"a.yaml": configMapYAML("", "first") + "---\n" + configMapYAML("", "second"),
			},
			paths: []string{"a.yaml", "a.yaml"},
			want: []wantP{
				{File: "a.yaml", Line: 1, MessagePrefix: "configmap/first is defined twice, first at $DIR/a.yaml:1"},
				{File: "a.yaml", Doc: 1, Line: 6, MessagePrefix: "configmap/second is defined twice, first at $DIR/a.yaml:6"},
			},
		},
		{
			name: "decode problems come before duplicate problems",
			files: map[string]string{
				"a.yaml": configMapYAML("", "x"),
				"b.yaml": configMapYAML("", "x"),
				"c.yaml": "just text\n",
			},
			paths: []string{"."},
			want: []wantP{
				{File: "c.yaml", Line: 1, MessagePrefix: "document is a string, not a Kubernetes object"},
				{File: "b.yaml", Line: 1, MessagePrefix: "configmap/x is defined twice, first at $DIR/a.yaml:1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tt.files)
			set, err := Load(context.Background(), Options{
				Paths:     pathsIn(dir, tt.paths),
				Recursive: tt.recursive,
				Stdin:     strings.NewReader(tt.stdin),
			})
			if diff := cmp.Diff(Set{}, set); diff != "" {
				t.Errorf("Load returned objects with an error (-want +got):\n%s", diff)
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load error = %v (%T), want a *LoadError", err, err)
			}
			var want []wantProblem
			for _, w := range tt.want {
				w.File = inDir(dir, w.File)
				w.MessagePrefix = strings.ReplaceAll(w.MessagePrefix, "$DIR", dir)
				want = append(want, w)
			}
			if diff := cmp.Diff(want, problemsFor(le.Problems, want)); diff != "" {
				t.Errorf("Load problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadNotDuplicates(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  int
	}{
		{
			name: "same name in different namespaces",
			files: map[string]string{
				"a.yaml": configMapYAML("one", "x"),
				"b.yaml": configMapYAML("two", "x"),
			},
			want: 2,
		},
		{
			name: "same name, different kinds",
			files: map[string]string{
				"a.yaml": configMapYAML("", "x"),
				"b.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n",
			},
			want: 2,
		},
		{
			name: "same kind in different groups",
			files: map[string]string{
				"a.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n",
				"b.yaml": "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: x\n",
			},
			want: 2,
		},
		{
			name: "generateName objects are never duplicates",
			files: map[string]string{
				"a.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: j-\n",
				"b.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: j-\n",
			},
			want: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tt.files)
			set, err := Load(context.Background(), Options{Paths: []string{dir}})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(tt.want, set.Len()); diff != "" {
				t.Errorf("Set.Len mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestLoadErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		opts Options
		// check inspects the error.
		check func(t *testing.T, err error)
	}{
		{
			name: "no paths",
			ctx:  context.Background(),
			opts: Options{},
			check: func(t *testing.T, err error) {
				const wantPrefix = "no manifests given: pass -f FILE, -f DIR"
				if got := fmt.Sprint(err); !strings.HasPrefix(got, wantPrefix) {
					t.Errorf("error = %q, want prefix %q", got, wantPrefix)
				}
				var le *LoadError
				if errors.As(err, &le) {
					t.Errorf("error is a *LoadError, want a plain error")
				}
			},
		},
		{
			name: "canceled context",
			ctx:  canceled,
			opts: Options{Paths: []string{"-"}, Stdin: strings.NewReader(configMapYAML("", "a"))},
			check: func(t *testing.T, err error) {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("error = %v, want context.Canceled", err)
				}
			},
		},
		{
			name: "stdin read error is a problem",
			ctx:  context.Background(),
			opts: Options{Paths: []string{"-"}, Stdin: failingReader{}},
			check: func(t *testing.T, err error) {
				var le *LoadError
				if !errors.As(err, &le) {
					t.Fatalf("error = %v (%T), want a *LoadError", err, err)
				}
				want := []wantProblem{{File: "-", MessagePrefix: "read stdin: broken pipe"}}
				if diff := cmp.Diff(want, problemsFor(le.Problems, want)); diff != "" {
					t.Errorf("problems mismatch (-want +got):\n%s", diff)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(tt.ctx, tt.opts)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if diff := cmp.Diff(Set{}, set); diff != "" {
				t.Errorf("Load returned objects with an error (-want +got):\n%s", diff)
			}
			tt.check(t, err)
		})
	}
}

func TestLoadErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *LoadError
		// wantHeader is the start of the first line; wantLines are the
		// problems, one per line after it.
		wantHeader string
		wantLines  []string
	}{
		{
			name:       "one problem",
			err:        &LoadError{Problems: []Problem{{Origin: Origin{File: "a.yaml", Line: 3}, Field: "kind", Message: "missing"}}},
			wantHeader: "1 problem(s) in the manifests",
			wantLines:  []string{"  a.yaml:3: kind: missing"},
		},
		{
			name: "two problems, one per line",
			err: &LoadError{Problems: []Problem{
				{Origin: Origin{File: "a.yaml", Line: 3}, Field: "kind", Message: "missing"},
				{Origin: Origin{File: "dir"}, Message: "is a kustomization"},
			}},
			wantHeader: "2 problem(s) in the manifests",
			wantLines:  []string{"  a.yaml:3: kind: missing", "  dir: is a kustomization"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := strings.Split(tt.err.Error(), "\n")
			if !strings.HasPrefix(lines[0], tt.wantHeader) {
				t.Errorf("LoadError.Error first line = %q, want prefix %q", lines[0], tt.wantHeader)
			}
			if diff := cmp.Diff(tt.wantLines, lines[1:]); diff != "" {
				t.Errorf("LoadError.Error problem lines mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadVisit(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"dir/a.yaml":              configMapYAML("", "a") + "---\n" + configMapYAML("", "a2"),
		"dir/b.yaml":              "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}, data: {k: dg==}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: l}}\n",
		"dir/c.yaml":              "# nothing\n",
		"dir/sub/d.yaml":          configMapYAML("", "d"),
		"dup/a.yaml":              configMapYAML("ns", "x"),
		"dup/b.yaml":              configMapYAML("ns", "x"),
		"removed.yaml":            "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: old}\nspec: {replicas: 1}\n",
		"one.yaml":                configMapYAML("", "one"),
		"empty/none.yaml":         "# nothing\n",
		"kust/kustomization.yaml": "resources: [cm.yaml, secret.yaml]\n",
		"kust/cm.yaml":            configMapYAML("", "k"),
		"kust/secret.yaml":        "apiVersion: v1\nkind: Secret\nmetadata: {name: k}\n",
	})
	tests := []struct {
		name      string
		paths     []string
		recursive bool
		kustomize string
		stdin     string
		// wantCalls lists the objects of each call, in the order of the
		// call, calls sorted.
		wantCalls []string
		wantErr   string // in the error, with or without Visit
	}{
		{name: "once per file with objects", paths: []string{"dir"}, recursive: true, wantCalls: []string{"configmap/a configmap/a2", "configmap/d", "secret/s configmap/l"}},
		{name: "stdin and a file", paths: []string{"-", "one.yaml"}, stdin: configMapYAML("", "in1") + "---\n" + configMapYAML("", "in2"), wantCalls: []string{"configmap/in1 configmap/in2", "configmap/one"}},
		{name: "kustomization once", kustomize: "kust", wantCalls: []string{"configmap/k secret/k"}},
		{name: "duplicates of dropped objects name both origins", paths: []string{"dup"}, wantCalls: []string{"configmap/x", "configmap/x"}, wantErr: "b.yaml:1: configmap/x (ns ns) is defined twice, first at " + inDir(dir, "dup/a.yaml") + ":1"},
		{name: "removed API of a dropped object", paths: []string{"removed.yaml", "one.yaml"}, wantCalls: []string{"configmap/one", "deployment.extensions/old"}, wantErr: "removed.yaml:1: apiVersion: \"extensions/v1beta1\" for Deployment is no longer served"},
		{name: "no objects, no call", paths: []string{"empty"}, wantErr: "no objects found in " + inDir(dir, "empty")},
	}
	describe := func(set Set) []string {
		var out []string
		for _, o := range set.Objects {
			out = append(out, o.ID().String()+" from "+o.Origin.String())
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Paths: pathsIn(dir, tt.paths), Recursive: tt.recursive, Stdin: strings.NewReader(tt.stdin)}
			if tt.kustomize != "" {
				opts.Kustomize = inDir(dir, tt.kustomize)
			}
			whole, wholeErr := Load(context.Background(), opts)
			var mu sync.Mutex
			var calls []string
			opts.Stdin = strings.NewReader(tt.stdin)
			// The hook keeps Secrets whole and notes every object's name.
			opts.Visit = func(objs []Object) []Visited {
				var ids []string
				out := make([]Visited, len(objs))
				for i, o := range objs {
					ids = append(ids, o.ID().KindName())
					out[i] = Visited{Keep: o.GetKind() == "Secret", Note: o.ID().KindName()}
				}
				mu.Lock()
				defer mu.Unlock()
				calls = append(calls, strings.Join(ids, " "))
				return out
			}
			visited, visitedErr := Load(context.Background(), opts)
			if diff := cmp.Diff(fmt.Sprint(wholeErr), fmt.Sprint(visitedErr)); diff != "" {
				t.Errorf("error with Visit (-without +with):\n%s", diff)
			}
			if (tt.wantErr == "") != (visitedErr == nil) || !strings.Contains(fmt.Sprint(visitedErr), tt.wantErr) {
				t.Errorf("error = %v, want one containing %q", visitedErr, tt.wantErr)
			}
			var refs, notes, wantNotes, kept, wantKept []string
			for _, r := range visited.Refs {
				refs = append(refs, r.ID.String()+" from "+r.Origin.String())
				notes = append(notes, fmt.Sprint(r.Note))
			}
			for _, o := range whole.Objects {
				wantNotes = append(wantNotes, o.ID().KindName())
				if o.GetKind() == "Secret" {
					wantKept = append(wantKept, o.ID().String())
				}
			}
			for _, o := range visited.Objects {
				kept = append(kept, o.ID().String())
			}
			if diff := cmp.Diff(describe(whole), refs); diff != "" {
				t.Errorf("refs with Visit (-objects without Visit +refs):\n%s", diff)
			}
			if diff := cmp.Diff(wantNotes, notes); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantKept, kept); diff != "" {
				t.Errorf("objects kept (-want +got):\n%s", diff)
			}
			slices.Sort(calls)
			if diff := cmp.Diff(tt.wantCalls, calls); diff != "" {
				t.Errorf("Visit calls (-want +got):\n%s", diff)
			}
		})
	}
}
