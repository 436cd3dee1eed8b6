package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/google/go-cmp/cmp"
)

// previewDoc is the part of `converge diff -o json` a test compares.
type previewDoc struct {
	Changes []struct {
		Group, Kind, Name, Action string
		Fields                    []struct{ Path string }
	}
}

// summary names each change as "action group/Kind name: field, field".
func (d previewDoc) summary() []string {
	var out []string
	for _, c := range d.Changes {
		s := c.Action + " " + c.Group + "/" + c.Kind + " " + c.Name
		var paths []string
		for _, f := range c.Fields {
			paths = append(paths, f.Path)
		}
		if len(paths) > 0 {
			s += ": " + strings.Join(paths, ", ")
		}
		out = append(out, s)
	}
	return out
}

// bookApp is examples/flask, the book's app, as files under flask/.
func bookApp(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob("../examples/flask/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("examples/flask: %v", err)
	}
	files := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files["flask/"+filepath.Base(p)] = string(b)
	}
	return files
}

const (
	imagePath    = "spec.template.spec.containers[0].image"
	brokenConfig = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  key: [unclosed\n"
)

// TestPreviewReplaysTheBooksApp commits the book's app as chapter 3 runs
// it (0.1.0, the image 0.1.1, 3 replicas, redis removed, a typo and its
// fix) and checks the pull-request preview of every commit against the
// one before it.
func TestPreviewReplaysTheBooksApp(t *testing.T) {
	g := newGitRepo(t, t.TempDir(), "apps")
	app := bookApp(t)
	g.commit("flask 0.1.0", app)
	deployment := app["flask/flask-deployment.yaml"]
	v011 := strings.Replace(deployment, "flask:0.1.0", "flask:0.1.1", 1)
	steps := []struct {
		subject  string
		files    map[string]string
		base     string
		wantCode int
		want     []string
		wantErr  string
	}{
		{subject: "deploying image 0.1.1", files: map[string]string{"flask/flask-deployment.yaml": v011}, base: "HEAD~1", wantCode: 1,
			want: []string{"update apps/Deployment flask: " + imagePath}},
		{subject: "scale flask to 3 replicas", files: map[string]string{"flask/flask-deployment.yaml": strings.Replace(v011, "replicas: 1", "replicas: 3", 1)}, base: "HEAD~1", wantCode: 1,
			want: []string{"update apps/Deployment flask: spec.replicas"}},
		{subject: "redis removed", files: map[string]string{"flask/redis.yaml": ""}, base: "HEAD~1", wantCode: 1,
			want: []string{"prune apps/Deployment redis", "prune /Service redis"}},
		{subject: "a typo", files: map[string]string{"flask/broken.yaml": brokenConfig}, base: "HEAD~1", wantCode: 2,
			wantErr: "flask/broken.yaml:6"},
		{subject: "fix the typo", files: map[string]string{"flask/broken.yaml": ""}, base: "HEAD~2", wantCode: 0},
	}
	for _, s := range steps {
		g.commit(s.subject, s.files)
		r := runIn(t, g.dir, nil, "", convergeBin, "diff", "--git-base", s.base, "--git-head", "HEAD", "-f", "flask", "-o", "json")
		if r.code != s.wantCode || !strings.Contains(r.stderr, s.wantErr) {
			t.Fatalf("%s: exit %d (want %d), stderr does not name %q:\n%s%s", s.subject, r.code, s.wantCode, s.wantErr, r.stdout, r.stderr)
		}
		if s.wantCode == 2 {
			continue
		}
		var doc previewDoc
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("%s: %v\n%s", s.subject, err, r.stdout)
		}
		if diff := cmp.Diff(s.want, doc.summary()); diff != "" {
			t.Errorf("%s: preview (-want +got):\n%s", s.subject, diff)
		}
	}
}

// TestPreviewLive: --live adds the head against the cluster, through the
// plan apply executes; once the head is applied, only the preview shows
// changes.
func TestPreviewLive(t *testing.T) {
	ns := testcluster.Namespace(t)
	g := newGitRepo(t, t.TempDir(), "apps")
	app := bookApp(t)
	g.commit("flask 0.1.0", app)
	mustSucceed(t, "apply 0.1.0", runIn(t, g.dir, nil, "", convergeBin, "apply", "-n", ns, "-f", "flask"))
	g.commit("deploying image 0.1.1", map[string]string{"flask/flask-deployment.yaml": strings.Replace(app["flask/flask-deployment.yaml"], "flask:0.1.0", "flask:0.1.1", 1)})
	live := func() (previewDoc, previewDoc, result) {
		t.Helper()
		r := runIn(t, g.dir, nil, "", convergeBin, "diff", "--git-base", "HEAD~1", "--live", "-n", ns, "-f", "flask", "-o", "json")
		var doc struct{ Preview, Live previewDoc }
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("diff --live: exit %d: %v\n%s%s", r.code, err, r.stdout, r.stderr)
		}
		return doc.Preview, doc.Live, r
	}
	want := []string{"update apps/Deployment flask: " + imagePath}
	p, l, r := live()
	if r.code != 1 || !cmp.Equal(want, p.summary()) || !cmp.Equal(want, l.summary()) {
		t.Fatalf("before apply: exit %d, preview %v, live %v, want %v in both\n%s", r.code, p.summary(), l.summary(), want, r.stderr)
	}
	mustSucceed(t, "apply 0.1.1", runIn(t, g.dir, nil, "", convergeBin, "apply", "-n", ns, "-f", "flask"))
	p, l, r = live()
	if r.code != 1 || !cmp.Equal(want, p.summary()) || len(l.Changes) != 0 {
		t.Fatalf("after apply: exit %d, preview %v, live %v, want no live change\n%s", r.code, p.summary(), l.summary(), r.stderr)
	}
	md := runIn(t, g.dir, nil, "", convergeBin, "diff", "--git-base", "HEAD~1", "--live", "-n", ns, "-f", "flask", "-o", "markdown")
	for _, heading := range []string{"## HEAD~1 (", "→ head (work tree)", "## head (work tree) against the cluster (context "} {
		if !strings.Contains(md.stdout, heading) {
			t.Errorf("the Markdown lacks %q:\n%s", heading, md.stdout)
		}
	}
}

// TestPreviewLiveSchemasAndFailures: with --live the head is checked
// against the cluster's schemas, so a custom resource whose CRD only the
// cluster has passes, as in a plain diff; offline it needs --crds. A head
// without the path, or a cluster that cannot be reached, is exit 2, and
// -o junit still reports the failure.
func TestPreviewLiveSchemasAndFailures(t *testing.T) {
	ns := testcluster.Namespace(t)
	crd := "testdata/crd-widgets.yaml"
	mustSucceed(t, "install CRD", kubectl(t, "apply", "-f", crd))
	mustSucceed(t, "wait CRD", kubectl(t, "wait", "--for=condition=Established", "--timeout=60s", "-f", crd))
	widget, err := os.ReadFile("testdata/widget-v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g := newGitRepo(t, t.TempDir(), "apps")
	g.commit("empty", map[string]string{"README.md": "apps\n"})
	g.commit("a widget", map[string]string{"crs/widget.yaml": string(widget)})
	abs, err := filepath.Abs(crd)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{name: "live: the cluster's schemas", args: []string{"--live", "-n", ns, "-f", "crs"}, wantCode: 1, want: "example.converge.dev/Widget " + ns + "/w (create)"},
		{name: "offline: no schema", args: []string{"-f", "crs"}, wantCode: 2, want: "no schema for example.converge.dev/v1, Kind=Widget"},
		{name: "offline with --crds", args: []string{"-f", "crs", "--crds", abs}, wantCode: 1, want: "example.converge.dev/Widget w (create)"},
		{name: "live: a path the head lacks", args: []string{"--live", "-n", ns, "-f", "nothere"}, wantCode: 2, want: "nothere does not exist"},
		{name: "live: no cluster, as JUnit", args: []string{"--live", "-f", "crs", "--server", "https://127.0.0.1:1", "-o", "junit"}, wantCode: 2, want: "<failure message="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIn(t, g.dir, nil, "", convergeBin, append([]string{"diff", "--git-base", "HEAD~1", "--git-head", "HEAD"}, tt.args...)...)
			if r.code != tt.wantCode || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s%s", r.code, tt.wantCode, tt.want, r.stdout, r.stderr)
			}
		})
	}
}
