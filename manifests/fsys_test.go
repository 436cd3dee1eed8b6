package manifests

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// bomb is a billion laughs: nine levels of nine aliases.
const bomb = `apiVersion: v1
kind: ConfigMap
metadata: {name: bomb}
data:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

func treeFS() fstest.MapFS {
	cm := func(name string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n")}
	}
	return fstest.MapFS{
		"apps/web/a.yaml":                        cm("a"),
		"apps/web/sub/b.yaml":                    cm("b"),
		"apps/web/README.md":                     {Data: []byte("# not a manifest")},
		"base/kustomization.yaml":                {Data: []byte("resources:\n- cm.yaml\n")},
		"base/cm.yaml":                           {Data: []byte("# settings\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata: {a: b}\n")},
		"overlays/prod/kustomization.yaml":       {Data: []byte("resources:\n- ../../base\nnamePrefix: prod-\n")},
		"overlays/escape/kustomization.yaml":     {Data: []byte("resources:\n- ../../../../etc\n")},
		"overlays/escapefile/kustomization.yaml": {Data: []byte("resources:\n- ../../../../etc/passwd\n")},
		"remote/kustomization.yaml":              {Data: []byte("resources:\n- ../base\n- github.com/org/repo//deploy?ref=v1\n")},
		"bomb/cm.yaml":                           {Data: []byte(bomb)},
	}
}

// TestLoadFromFS: a tree (a git commit's, in sync) loads as the disk does,
// with origins as paths inside it, and nothing outside it can be read.
func TestLoadFromFS(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []string
		err  string
	}{
		{name: "dir", opts: Options{Paths: []string{"apps/web"}}, want: []string{"ConfigMap/a apps/web/a.yaml:1"}},
		{name: "dir -R", opts: Options{Paths: []string{"apps/web"}, Recursive: true}, want: []string{"ConfigMap/a apps/web/a.yaml:1", "ConfigMap/b apps/web/sub/b.yaml:1"}},
		{name: "leading ./ and /", opts: Options{Paths: []string{"./apps/web/a.yaml", "/apps/web/sub/b.yaml"}}, want: []string{"ConfigMap/a apps/web/a.yaml:1", "ConfigMap/b apps/web/sub/b.yaml:1"}},
		{name: "kustomization with a base outside it", opts: Options{Kustomize: "overlays/prod"}, want: []string{"ConfigMap/prod-settings base/cm.yaml:2"}},
		{name: "path climbing out", opts: Options{Paths: []string{"../outside.yaml"}}, err: "../outside.yaml leaves the repository"},
		{name: "kustomize base climbing out", opts: Options{Kustomize: "overlays/escape"}, err: "overlays/escape/kustomization.yaml"},
		{name: "kustomize file climbing out", opts: Options{Kustomize: "overlays/escapefile"}, err: "overlays/escapefile/kustomization.yaml"},
		{name: "missing", opts: Options{Paths: []string{"nope"}}, err: "no such file or directory"},
		{name: "remote base", opts: Options{Kustomize: "remote"}, err: `remote/kustomization.yaml:3:3: resources names the remote base "github.com/org/repo//deploy?ref=v1"`},
		{name: "a YAML bomb", opts: Options{Paths: []string{"bomb"}}, err: "its aliases expand too far"},
	}
	for _, tt := range tests {
		tt.opts.FS = treeFS()
		set, err := Load(context.Background(), tt.opts)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, o := range set.Objects {
			got = append(got, o.GetKind()+"/"+o.GetName()+" "+o.Origin.String())
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
