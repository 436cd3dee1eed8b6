package e2e

import (
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
)

func TestApplyErrorsNameTheObjectAndFileAndApplyNothing(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		want  []string
	}{
		{
			name: "unknown kind",
			files: map[string]string{
				"ok.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: should-not-exist\n",
				"bad.yaml": "apiVersion: example.invalid/v1\nkind: Gizmo\nmetadata:\n  name: g\n",
			},
			want: []string{"gizmo.example.invalid/g", "bad.yaml:1", "does not serve kind \"Gizmo\"", "nothing was applied"},
		},
		{
			name: "unknown kind with bundled schemas",
			files: map[string]string{
				"ok.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: should-not-exist\n",
				"bad.yaml": "apiVersion: example.invalid/v1\nkind: Gizmo\nmetadata:\n  name: g\n",
			},
			args: []string{"--schemas=bundled"},
			want: []string{"gizmo.example.invalid/g", "bad.yaml:1", "no schema for example.invalid/v1, Kind=Gizmo", "nothing was applied"},
		},
		{
			name: "unknown kind without validation",
			files: map[string]string{
				"ok.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: should-not-exist\n",
				"bad.yaml": "apiVersion: example.invalid/v1\nkind: Gizmo\nmetadata:\n  name: g\n",
			},
			args: []string{"--validate=false"},
			want: []string{"gizmo.example.invalid/g", "bad.yaml:1", "does not serve kind \"Gizmo\"", "nothing was applied"},
		},
		{
			name: "invalid YAML",
			files: map[string]string{
				"ok.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: should-not-exist\n",
				"bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tab\n",
			},
			want: []string{"bad.yaml:9", "invalid YAML", "nothing was applied"},
		},
		{
			name:  "missing kind",
			files: map[string]string{"ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: should-not-exist\n", "bad.yaml": "apiVersion: v1\nmetadata:\n  name: x\n"},
			want:  []string{"bad.yaml:1", "kind: missing"},
		},
		{
			name:  "kustomization directory",
			files: map[string]string{"ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: should-not-exist\n", "kustomization.yaml": "resources: [ok.yaml]\n"},
			want:  []string{"kustomization.yaml", "use -k"},
		},
		{
			name: "namespace does not match -n",
			files: map[string]string{
				"ok.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: should-not-exist\n",
				"other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: o\n  namespace: elsewhere\n",
			},
			want: []string{"configmap/o (ns elsewhere)", "other.yaml:1", "--namespace"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ns := testcluster.Namespace(t)
			dir := writeFiles(t, tc.files)
			r := converge(t, append([]string{"apply", "-n", ns, "-f", dir}, tc.args...)...)
			if r.code == 0 {
				t.Fatalf("apply succeeded, want failure\n%s", r.stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
				}
			}
			if g := kubectl(t, "get", "-n", ns, "configmap/should-not-exist"); g.code == 0 {
				t.Errorf("a valid object of an invalid set was applied")
			}
		})
	}
}

func TestApplyUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no -f", args: []string{"apply"}, want: "must specify -f"},
		{name: "missing file", args: []string{"apply", "-f", "testdata/nope.yaml"}, want: "testdata/nope.yaml: cannot read: no such file"},
		{name: "bad dry-run", args: []string{"apply", "-f", "x", "--dry-run=maybe"}, want: "invalid --dry-run"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := converge(t, tc.args...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want failure mentioning %q", r.code, r.stderr, tc.want)
			}
		})
	}
}
