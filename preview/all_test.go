package preview

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/junit"
	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
)

// TestRunAllFindsTheChangedApps: a change to a base changes the base and
// every overlay on it, and nothing else; a plain directory changes alone.
func TestRunAllFindsTheChangedApps(t *testing.T) {
	r := newRepo(t)
	r.commit("apps", map[string]string{
		"base/deployment.yaml":               deployment,
		"base/kustomization.yaml":            "resources:\n- deployment.yaml\n",
		"overlays/prod/kustomization.yaml":   "resources:\n- ../../base\nnamePrefix: prod-\n",
		"overlays/dev/kustomization.yaml":    "resources:\n- ../../base\nnamePrefix: dev-\n",
		"overlays/dev/patches/replicas.yaml": "# a patch file under a kustomization, not an app\n",
		"standalone/kustomization.yaml":      "resources:\n- cm.yaml\n",
		"standalone/cm.yaml":                 cm("standalone", "1"),
		"apps/redis/redis.yaml":              cm("redis", "1"),
		"docs/README.md":                     "# docs\n",
		".github/workflows/ci.yaml":          "on: push\n",
	})
	r.branch("main")
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{name: "nothing changed", files: map[string]string{}, want: nil},
		{name: "a base", files: map[string]string{"base/deployment.yaml": strings.Replace(deployment, "replicas: 1", "replicas: 2", 1), ".github/workflows/ci.yaml": "on: pull_request\n"},
			want: []string{"base: 1 changed", "overlays/dev: 1 changed", "overlays/prod: 1 changed"}},
		{name: "a plain directory", files: map[string]string{"base/deployment.yaml": deployment, "apps/redis/redis.yaml": cm("redis", "2")},
			want: []string{"apps/redis: 1 changed"}},
		{name: "a new app", files: map[string]string{"apps/redis/redis.yaml": cm("redis", "1"), "apps/web/web.yaml": cm("web", "1")},
			want: []string{"apps/web: 1 changed"}},
	}
	for _, tt := range tests {
		r.write(tt.files)
		results, err := RunAll(context.Background(), Options{Base: "main", Dir: r.dir, Validate: true})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, res := range results {
			if res.Err != nil {
				t.Fatalf("%s: %s: %v", tt.name, res.App.Path, res.Err)
			}
			got = append(got, res.App.Path+": "+changedCount(res))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func changedCount(res AppResult) string {
	n := res.Report.Create + res.Report.Update + res.Report.Prune
	switch n {
	case 0:
		return "unchanged"
	case 1:
		return "1 changed"
	}
	return "several changed"
}

// TestWriteAllMarkdownStaysUnderTheLimit: a preview too large for one
// pull-request comment is cut by whole apps, and says so.
func TestWriteAllMarkdownStaysUnderTheLimit(t *testing.T) {
	var results []AppResult
	for i := range 12 {
		results = append(results, AppResult{App: App{Path: fmt.Sprintf("apps/app-%02d", i)}, Err: errors.New(strings.Repeat("x", 8000))})
	}
	var out bytes.Buffer
	if err := WriteAll(&out, results, "markdown"); err != nil {
		t.Fatal(err)
	}
	if out.Len() > diff.MarkdownLimit {
		t.Errorf("the Markdown is %d characters, over %d", out.Len(), diff.MarkdownLimit)
	}
	if !strings.Contains(out.String(), "app section(s) left out") || !strings.Contains(out.String(), "`apps/app-11`") {
		t.Errorf("the cut Markdown does not say what it left out, or lost the summary row:\n%.400s", out.String())
	}
}

// TestWriteAllJUnit: one suite per app; an app whose head does not
// validate is a failure per problem, located as path:line.
func TestWriteAllJUnit(t *testing.T) {
	r := newRepo(t)
	r.commit("apps", map[string]string{"apps/a/cm.yaml": cm("a", "1"), "apps/b/cm.yaml": cm("b", "1")})
	r.branch("main")
	r.write(map[string]string{"apps/a/cm.yaml": cm("a", "2"), "apps/b/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {v: 1}\n"})
	results, err := RunAll(context.Background(), Options{Base: "main", Dir: r.dir, Validate: true})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteAll(&out, results, "junit"); err != nil {
		t.Fatal(err)
	}
	var got junit.Suites
	if err := xml.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JUnit XML: %v\n%s", err, out.String())
	}
	type kase struct{ Suite, Case, Class, Failure string }
	var cases []kase
	for _, s := range got.Suites {
		for _, c := range s.Cases {
			k := kase{Suite: s.Name, Case: c.Name, Class: c.ClassName}
			for _, f := range c.Failures {
				k.Failure += f.Message
			}
			cases = append(cases, k)
		}
	}
	want := []kase{
		{Suite: "converge preview apps/a (directory)", Case: "update core/ConfigMap a", Class: "apps/a/cm.yaml"},
		{Suite: "converge preview apps/b (directory)", Case: "render and validate head (work tree)", Class: "apps/b",
			Failure: "configmap/b from apps/b/cm.yaml:1: data.v: must be string, got integer 1"},
	}
	if diff := cmp.Diff(want, cases); diff != "" {
		t.Errorf("cases (-want +got):\n%s", diff)
	}
}

// TestRunAllOnARealWorldRepository: what a repository holds besides
// manifests is not an app (docker-compose, Ansible, package.json); a Helm
// chart that changed is named as not previewed, never parsed.
func TestRunAllOnARealWorldRepository(t *testing.T) {
	r := newRepo(t)
	helmCharts := "helmCharts:\n- {name: web, repo: https://charts.example.com, version: 1.0.0, releaseName: web}\nresources:\n- cm.yaml\n"
	template := "{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- end }}\n"
	r.commit("repo", map[string]string{
		"docker-compose.yaml":                  "version: \"3\"\nservices:\n  web: {image: nginx}\n",
		"ansible/site.yml":                     "- hosts: all\n  tasks: [{ping: {}}]\n",
		"node/package.json":                    `{"name": "x", "version": "1.0.0"}`,
		"charts/web/Chart.yaml":                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"charts/web/values.yaml":               "replicas: 1\n",
		"charts/web/templates/deployment.yaml": template,
		"apps/api/cm.yaml":                     cm("api", "1"),
		"apps/hc/kustomization.yaml":           helmCharts,
		"apps/hc/cm.yaml":                      cm("hc", "1"),
	})
	r.branch("main")
	r.write(map[string]string{
		"docker-compose.yaml":                  "version: \"3\"\nservices:\n  web: {image: \"nginx:1.27\"}\n",
		"ansible/site.yml":                     "- hosts: all\n  tasks: [{ping: {data: pong}}]\n",
		"node/package.json":                    `{"name": "x", "version": "1.0.1"}`,
		"charts/web/values.yaml":               "replicas: 2\n",
		"charts/web/templates/deployment.yaml": template + "# changed\n",
		"apps/api/cm.yaml":                     cm("api", "2"),
		"apps/hc/cm.yaml":                      cm("hc", "2"),
	})
	results, err := RunAll(context.Background(), Options{Base: "main", Dir: r.dir, Validate: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, res := range results {
		switch {
		case res.Err != nil:
			got = append(got, res.App.Path+": "+res.Err.Error())
		case res.Skipped != "":
			got = append(got, res.App.Path+": skipped")
		default:
			got = append(got, res.App.Path+": "+changedCount(res))
		}
	}
	if diff := cmp.Diff([]string{"apps/api: 1 changed", "apps/hc: skipped", "charts/web: skipped"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var md bytes.Buffer
	if err := WriteAll(&md, results, "markdown"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| `charts/web` | | | | not previewed: Helm chart |") {
		t.Errorf("the Markdown does not name the chart left out:\n%s", md.String())
	}
}

// TestRunAllChartsAndHelmCharts: a chart at the root hides only what
// helm owns (templates/, charts/, crds/); a base that inflated charts
// shows the head as created, with a note, and a broken head still fails.
func TestRunAllChartsAndHelmCharts(t *testing.T) {
	helmCharts := "helmCharts:\n- {name: web, repo: https://charts.example.com, version: 1.0.0}\n"
	bad := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndata: {v: 1}\n"
	tests := []struct {
		name       string
		base, head map[string]string
		want       []string
	}{
		{name: "a chart at the root",
			base: map[string]string{"Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n", "templates/cm.yaml": "{{ .Values.x }}\n", "deploy/prod/cm.yaml": cm("prod", "1")},
			head: map[string]string{"deploy/prod/cm.yaml": cm("prod", "2")},
			want: []string{"deploy/prod: 1 changed"}},
		{name: "a chart's template changed",
			base: map[string]string{"Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n", "templates/cm.yaml": "{{ .Values.x }}\n"},
			head: map[string]string{"templates/cm.yaml": "{{ .Values.y }}\n"},
			want: []string{".: skipped"}},
		{name: "files a chart reads are the chart's",
			base: map[string]string{"web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n", "web/files/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"{{ .Release.Name }}\"}\n"},
			head: map[string]string{"web/files/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"{{ .Release.Name }}-x\"}\n"},
			want: []string{"web: skipped"}},
		{name: "helmCharts replaced by manifests",
			base: map[string]string{"app/kustomization.yaml": helmCharts},
			head: map[string]string{"app/kustomization.yaml": "resources: [cm.yaml]\n", "app/cm.yaml": cm("app", "1")},
			want: []string{"app: 1 changed, note"}},
		{name: "helmCharts replaced by a broken manifest",
			base: map[string]string{"app/kustomization.yaml": helmCharts},
			head: map[string]string{"app/kustomization.yaml": "resources: [cm.yaml]\n", "app/cm.yaml": bad},
			want: []string{"app: error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t)
			r.commit("base", tt.base)
			r.branch("main")
			r.write(tt.head)
			results, err := RunAll(context.Background(), Options{Base: "main", Dir: r.dir, Validate: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, res := range results {
				s := res.App.Path + ": "
				switch {
				case res.Err != nil:
					s += "error"
				case res.Skipped != "":
					s += "skipped"
				default:
					s += changedCount(res)
				}
				if res.Note != "" {
					s += ", note"
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestWorkTreeLeavesOutWhatGitIgnores: the head is what a pull request
// holds, so node_modules and a gitignored local file, even with
// manifests in them, are neither apps nor objects.
func TestWorkTreeLeavesOutWhatGitIgnores(t *testing.T) {
	r := newRepo(t)
	r.commit("base", map[string]string{"app/cm.yaml": cm("app", "1"), "generated/cm.yaml": cm("generated", "1")})
	// Ignored after it was committed: git still tracks generated/cm.yaml.
	r.commit("ignore", map[string]string{".gitignore": "node_modules/\n*.local.yaml\ngenerated/\nrendered/\n"})
	r.branch("main")
	r.write(map[string]string{
		"app/cm.yaml":                          cm("app", "2"),
		"app/dev.local.yaml":                   cm("local", "1"),
		"node_modules/client/fixtures/cm.yaml": cm("fixture", "1"),
		"generated/new.yaml":                   cm("untracked", "1"),
		"rendered/cm.yaml":                     cm("rendered", "1"),
	})
	results, err := RunAll(context.Background(), Options{Base: "main", Dir: r.dir, Validate: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].App.Path != "app" || results[0].Err != nil {
		t.Fatalf("results = %+v, want app alone", results)
	}
	if diff := cmp.Diff([]string{"configured configmap/app"}, summary(results[0].Report)); diff != "" {
		t.Errorf("--all (-want +got):\n%s", diff)
	}
	res, err := run(t, r, "main", "", manifests.Options{Paths: []string{filepath.Join(r.dir, "app")}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"configured configmap/app"}, summary(res.Report)); diff != "" {
		t.Errorf("-f app (-want +got):\n%s", diff)
	}
	res, err = run(t, r, "main", "", manifests.Options{Paths: []string{filepath.Join(r.dir, "generated")}})
	if err != nil || res.Report.HasChanges() {
		t.Errorf("-f generated: %v %v, want no change: its tracked file is in the pull request", summary(res.Report), err)
	}
	_, err = run(t, r, "main", "", manifests.Options{Paths: []string{filepath.Join(r.dir, "rendered")}})
	if err == nil || !strings.Contains(err.Error(), "rendered is ignored by git") {
		t.Errorf("-f rendered: err = %v, want it named as ignored", err)
	}
}

// TestRunAllInADirectory: with -f DIR, --all looks for apps only there;
// an overlay there still changes with a base outside it.
func TestRunAllInADirectory(t *testing.T) {
	r := newRepo(t)
	r.commit("apps", map[string]string{
		"base/deployment.yaml":                 deployment,
		"base/kustomization.yaml":              "resources:\n- deployment.yaml\n",
		"k8s/overlays/prod/kustomization.yaml": "resources:\n- ../../../base\nnamePrefix: prod-\n",
		"other/cm.yaml":                        cm("other", "1"),
	})
	r.branch("main")
	r.write(map[string]string{"base/deployment.yaml": strings.Replace(deployment, "replicas: 1", "replicas: 2", 1), "other/cm.yaml": cm("other", "2")})
	results, err := RunAll(context.Background(), Options{Base: "main", Dir: r.dir, Validate: true, Load: manifests.Options{Paths: []string{filepath.Join(r.dir, "k8s")}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, res := range results {
		got = append(got, res.App.Path+": "+changedCount(res))
	}
	if diff := cmp.Diff([]string{"k8s/overlays/prod: 1 changed"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
