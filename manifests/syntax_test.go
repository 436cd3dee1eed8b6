package manifests

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadErrorsPointAtTheLine asserts the exact origin (file:line:column)
// and message of every syntax and content error the loader reports.
func TestLoadErrorsPointAtTheLine(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{
			name: "tab indentation", file: "tab.yaml",
			content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n",
			want:    []string{"tab.yaml:4:1: invalid YAML: found character that cannot start any token; indent with spaces, not tabs"},
		},
		{
			name: "unquoted template", file: "tpl.yaml",
			content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  image: {{ .Values.image }}\n",
			want:    []string{"tpl.yaml:6:10: invalid YAML: unquoted template {{ .Values.image }}; this looks like an unrendered template: render it first (helm template), or quote the value"},
		},
		{
			name: "duplicate key", file: "dup.yaml",
			content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"1\"\n  a: \"2\"\n",
			want:    []string{`dup.yaml:7:3: invalid YAML: key "a" already set in map; remove one of the duplicate "a" keys`},
		},
		{
			name: "bad indentation in second document", file: "indent.yaml",
			content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: 1\n",
			want:    []string{"indent.yaml:9:3: invalid YAML: did not find expected key; check the indentation and quote values that contain ': ', '#' or start with '{', '[', '*', '&' or '@'"},
		},
		{
			name: "JSON missing comma", file: "bad.json",
			content: "{\"apiVersion\": \"v1\",\n \"kind\": \"ConfigMap\"\n \"metadata\": {}}\n",
			want:    []string{"bad.json:3:2: invalid JSON: invalid character '\"' after object key:value pair; check for a missing comma, quote or brace just before this point"},
		},
		{
			name: "not a Kubernetes object", file: "README.yaml",
			content: "# docs\ntitle: not a manifest\n",
			want:    []string{"README.yaml:2: apiVersion: missing; every Kubernetes object needs apiVersion and kind (if this YAML is not a manifest, pass --skip-non-k8s)"},
		},
		{
			name: "name is not a string", file: "name.yaml",
			content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 123\n",
			want:    []string{"name.yaml:1: metadata.name: must be a string, not 123; quote it"},
		},
		{
			name: "removed API version", file: "old.yaml",
			content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: old\n",
			want:    []string{`old.yaml:6: apiVersion: "batch/v1beta1" for CronJob is no longer served by Kubernetes (removed in 1.25); change apiVersion to batch/v1`},
		},
		{
			name: "every problem of a file is reported", file: "two.yaml",
			content: "kind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nmetadata:\n  name: b\n",
			want: []string{
				"two.yaml:1: apiVersion: missing; every Kubernetes object needs apiVersion and kind (if this YAML is not a manifest, pass --skip-non-k8s)",
				"two.yaml:5: kind: missing; every Kubernetes object needs apiVersion and kind (if this YAML is not a manifest, pass --skip-non-k8s)",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(context.Background(), Options{Paths: []string{path}})
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("want *LoadError, got %v", err)
			}
			var got []string
			for _, p := range le.Problems {
				got = append(got, strings.TrimPrefix(p.Error(), dir+string(filepath.Separator)))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadWarnings(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"empty.json":  "",
		"README.yaml": "title: docs\n",
		"cm.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
		"stream.json": "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}\n",
		"yaml.json":   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := Load(context.Background(), Options{Paths: []string{dir}, SkipNonK8s: true})
	if err != nil {
		t.Fatal(err)
	}
	var names, warnings []string
	for _, o := range set.Objects {
		names = append(names, o.GetName()+"@"+strings.TrimPrefix(o.Origin.String(), dir+"/"))
	}
	for _, w := range set.Warnings {
		warnings = append(warnings, strings.TrimPrefix(w.Error(), dir+"/"))
	}
	wantNames := []string{"a@cm.yaml:1", "b@stream.json:1", "c@stream.json:2", "d@yaml.json:1"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	wantWarnings := []string{
		"README.yaml:1: apiVersion: missing; every Kubernetes object needs apiVersion and kind (if this YAML is not a manifest, pass --skip-non-k8s)",
		"empty.json: empty JSON file skipped",
	}
	if diff := cmp.Diff(wantWarnings, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestLoadFollowsSymlinkedDirectoryAndRefusesEmptySets(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(real, "a.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	set, err := Load(context.Background(), Options{Paths: []string{link}})
	if err != nil || set.Len() != 1 || set.Objects[0].Origin.File != filepath.Join(link, "a.yaml") {
		t.Fatalf("symlinked dir: got %d objects (%v), err %v", set.Len(), set.Objects, err)
	}
	_, err = Load(context.Background(), Options{Paths: []string{filepath.Join(dir, "empty")}})
	if err == nil || !strings.Contains(err.Error(), "no objects found") {
		t.Fatalf("empty dir: err = %v, want 'no objects found'", err)
	}
}
