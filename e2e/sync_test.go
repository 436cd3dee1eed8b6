package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// gitServer serves the repositories under root over HTTP on loopback with
// git http-backend, as a git host does; with a token, it asks for basic
// auth.
func gitServer(t *testing.T, root, token string) string {
	t.Helper()
	srv := httptest.NewServer(gitHandler(t, root, token))
	t.Cleanup(srv.Close)
	return srv.URL
}

// gitHandler is git http-backend for the repositories under root.
func gitHandler(t *testing.T, root, token string) http.Handler {
	t.Helper()
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Fatalf("git --exec-path: %v", err)
	}
	backend := &cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(string(out)), "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	}
	handler := http.Handler(backend)
	if token != "" {
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, pass, ok := r.BasicAuth(); !ok || pass != token {
				w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			backend.ServeHTTP(w, r)
		})
	}
	return handler
}

// gitRepo is a work tree the test commits to, served by gitServer.
type gitRepo struct {
	t    *testing.T
	dir  string
	repo *git.Repository
}

func newGitRepo(t *testing.T, root, name string) *gitRepo {
	t.Helper()
	dir := filepath.Join(root, name)
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	return &gitRepo{t: t, dir: dir, repo: repo}
}

// commit writes files (content "" removes the file) and commits them.
func (g *gitRepo) commit(subject string, files map[string]string) plumbing.Hash {
	g.t.Helper()
	wt, err := g.repo.Worktree()
	if err != nil {
		g.t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(g.dir, name)
		if content == "" {
			if _, err := wt.Remove(name); err != nil {
				g.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			g.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			g.t.Fatal(err)
		}
		if _, err := wt.Add(name); err != nil {
			g.t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Now()}
	h, err := wt.Commit(subject, &git.CommitOptions{Author: sig, AllowEmptyCommits: true})
	if err != nil {
		g.t.Fatal(err)
	}
	return h
}

// syncFixture is a test namespace and a repository served over HTTP.
func syncFixture(t *testing.T) (string, *gitRepo, string) {
	t.Helper()
	root := t.TempDir()
	return testcluster.Namespace(t), newGitRepo(t, root, "apps"), gitServer(t, root, "") + "/apps"
}

// commitLinks is commit, where content "-> target" is a symlink.
func (g *gitRepo) commitLinks(subject string, files map[string]string) plumbing.Hash {
	g.t.Helper()
	plain := map[string]string{}
	for name, content := range files {
		target, ok := strings.CutPrefix(content, "-> ")
		if !ok {
			plain[name] = content
			continue
		}
		if err := os.Symlink(target, filepath.Join(g.dir, name)); err != nil {
			g.t.Fatal(err)
		}
		wt, err := g.repo.Worktree()
		if err != nil {
			g.t.Fatal(err)
		}
		if _, err := wt.Add(name); err != nil {
			g.t.Fatal(err)
		}
	}
	return g.commit(subject, plain)
}

func (g *gitRepo) tag(name string, h plumbing.Hash) {
	g.t.Helper()
	sig := &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Now()}
	if _, err := g.repo.CreateTag(name, h, &git.CreateTagOptions{Tagger: sig, Message: name}); err != nil {
		g.t.Fatal(err)
	}
}

func cm(name, value string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  v: \"" + value + "\"\n"
}

// syncStatus reads `converge sync status -o json`.
type syncStatusDoc struct {
	Commit   string `json:"commit"`
	Revision int    `json:"revision"`
	Last     struct {
		Result   string   `json:"result"`
		Commit   string   `json:"commit"`
		Message  string   `json:"message"`
		Problems []string `json:"problems"`
	} `json:"lastAttempt"`
	Pinned   *struct{ Revision int } `json:"pinned"`
	GitError string                  `json:"gitError"`
	Drifted  []string                `json:"drifted"`
}

func syncStatus(t *testing.T, ns, set string) syncStatusDoc {
	t.Helper()
	r := mustSucceed(t, "sync status", converge(t, "sync", "status", "-n", ns, "--applyset", set, "-o", "json"))
	var doc syncStatusDoc
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("sync status -o json: %v\n%s", err, r.stdout)
	}
	return doc
}

// syncOnce runs one cycle of `converge sync` against url.
func syncOnce(t *testing.T, ns, url string, extra ...string) result {
	t.Helper()
	args := append([]string{"sync", "-n", ns, "--repo", url, "--path", "app", "--applyset", "app", "--once", "--cache-dir", filepath.Join(os.TempDir(), "converge-e2e-cache-"+ns)}, extra...)
	t.Cleanup(func() { os.RemoveAll(filepath.Join(os.TempDir(), "converge-e2e-cache-"+ns)) })
	return converge(t, args...)
}

// TestSyncCommitsPrunesAndRefusesABadCommit: the first sync, a new
// commit with a removed file pruned, and a bad commit that applies
// nothing and is reported as path:line.
func TestSyncCommitsPrunesAndRefusesABadCommit(t *testing.T) {
	ns, repo, url := syncFixture(t)
	first := repo.commit("two config maps", map[string]string{"app/a.yaml": cm("a", "1"), "app/b.yaml": cm("b", "1")})
	r := mustSucceed(t, "first sync", syncOnce(t, ns, url))
	if !strings.Contains(r.stdout, "applied at "+first.String()) {
		t.Errorf("first sync: %s", r.stdout)
	}
	if again := mustSucceed(t, "second sync", syncOnce(t, ns, url)); !strings.Contains(again.stdout, "unchanged") {
		t.Errorf("a sync of the same commit: %s", again.stdout)
	}

	second := repo.commit("a to 2, b removed", map[string]string{"app/a.yaml": cm("a", "2"), "app/b.yaml": ""})
	mustSucceed(t, "sync", syncOnce(t, ns, url))
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "2" {
		t.Errorf("configmap/a = %q after the new commit", got)
	}
	if kubectl(t, "get", "-n", ns, "configmap/b").code == 0 {
		t.Error("configmap/b, removed from git, was not pruned")
	}
	cause := causeOf(t, ns, "configmap/a")
	if cause != second.String()[:7]+" a to 2, b removed" {
		t.Errorf("change-cause %q", cause)
	}

	bad := repo.commit("a bad file", map[string]string{"app/a.yaml": cm("a", "3"), "app/bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  v: [1\n"})
	if r := syncOnce(t, ns, url); r.code != 1 {
		t.Fatalf("sync of a bad commit: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	st := syncStatus(t, ns, "app")
	if st.Commit != second.String() || st.Last.Commit != bad.String() || st.Last.Result != "failed" ||
		len(st.Last.Problems) != 1 || !strings.HasPrefix(st.Last.Problems[0], "app/bad.yaml:6") {
		t.Errorf("status after a bad commit: %+v", st)
	}
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "2" {
		t.Errorf("a bad commit applied configmap/a = %q", got)
	}
	if r := syncOnce(t, ns, url); r.code != 1 || !strings.Contains(r.stderr, "cannot be applied") {
		t.Errorf("the bad commit again: exit %d\n%s", r.code, r.stderr)
	}
	repo.commit("fixed", map[string]string{"app/bad.yaml": cm("bad", "ok")})
	mustSucceed(t, "sync of the fix", syncOnce(t, ns, url))
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "3" {
		t.Errorf("after the fix configmap/a = %q", got)
	}
	rows := historyRows(t, ns, "app")
	if len(rows) != 3 || !strings.Contains(rows[2], "fixed") {
		t.Errorf("history after the fix: %v", rows)
	}
}

// TestSyncSemverRef: the newest tag in the range wins.
func TestSyncSemverRef(t *testing.T) {
	ns, repo, url := syncFixture(t)
	for _, v := range []string{"0.1.0", "0.2.0", "1.0.0"} {
		repo.tag("v"+v, repo.commit("release "+v, map[string]string{"app/release.yaml": cm("release", v)}))
	}
	repo.commit("unreleased", map[string]string{"app/release.yaml": cm("release", "main")})
	mustSucceed(t, "sync", syncOnce(t, ns, url, "--ref", "semver:>=0.1.0 <1.0.0"))
	if got := jsonpath(t, ns, "configmap/release", "{.data.v}"); got != "0.2.0" {
		t.Errorf("semver:>=0.1.0 <1.0.0 applied %q, want 0.2.0", got)
	}
}

// TestSyncUndoSticksUntilResume: converge undo pins the set; sync leaves
// it until converge sync resume, or a new commit.
func TestSyncUndoSticksUntilResume(t *testing.T) {
	ns, repo, url := syncFixture(t)
	repo.commit("v1", map[string]string{"app/a.yaml": cm("a", "1")})
	mustSucceed(t, "sync", syncOnce(t, ns, url))
	repo.commit("v2", map[string]string{"app/a.yaml": cm("a", "2")})
	mustSucceed(t, "sync", syncOnce(t, ns, url))
	mustSucceed(t, "undo", converge(t, "undo", "-n", ns, "--applyset", "app"))
	r := mustSucceed(t, "sync after undo", syncOnce(t, ns, url))
	if !strings.Contains(r.stdout, "pinned at revision 3 while git is at") || jsonpath(t, ns, "configmap/a", "{.data.v}") != "1" {
		t.Fatalf("sync after undo did not keep the rollback: %s", r.stdout)
	}
	if st := syncStatus(t, ns, "app"); st.Pinned == nil || st.Pinned.Revision != 3 {
		t.Errorf("status does not show the pin: %+v", st)
	}
	mustSucceed(t, "resume", converge(t, "sync", "resume", "-n", ns, "--applyset", "app"))
	mustSucceed(t, "sync after resume", syncOnce(t, ns, url))
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "2" {
		t.Errorf("after resume configmap/a = %q, want git's 2", got)
	}

	mustSucceed(t, "undo", converge(t, "undo", "-n", ns, "--applyset", "app"))
	mustSucceed(t, "sync after undo", syncOnce(t, ns, url))
	repo.commit("v3", map[string]string{"app/a.yaml": cm("a", "3")})
	mustSucceed(t, "sync of a new commit", syncOnce(t, ns, url))
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "3" {
		t.Errorf("a new commit after the undo: configmap/a = %q, want 3", got)
	}
}

// TestSyncHTTPSAuth: a token from a file reaches the server, and never
// the output, the status or the logs, even when the server refuses it.
func TestSyncHTTPSAuth(t *testing.T) {
	ns := testcluster.Namespace(t)
	root := t.TempDir()
	repo := newGitRepo(t, root, "apps")
	const token = "s3cr3t-t0ken-value"
	url := gitServer(t, root, token) + "/apps"
	repo.commit("v1", map[string]string{"app/a.yaml": cm("a", "1")})
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := syncOnce(t, ns, url); r.code == 0 {
		t.Fatal("sync without credentials went through")
	}
	mustSucceed(t, "sync with a token", syncOnce(t, ns, url, "--git-password-file", tokenFile))
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "1" {
		t.Errorf("configmap/a = %q", got)
	}
	wrong := filepath.Join(t.TempDir(), "wrong")
	if err := os.WriteFile(wrong, []byte("wr0ng-t0ken-value"), 0o600); err != nil {
		t.Fatal(err)
	}
	withUser := strings.Replace(url, "http://", "http://dev:"+token+"@", 1)
	for _, r := range []result{syncOnce(t, ns, url, "--git-password-file", wrong), syncOnce(t, ns, withUser, "--git-password-file", wrong)} {
		st := mustSucceed(t, "status", converge(t, "sync", "status", "-n", ns, "--applyset", "app", "-o", "json")).stdout
		for _, out := range []string{r.stdout, r.stderr, st} {
			if strings.Contains(out, token) || strings.Contains(out, "wr0ng-t0ken-value") {
				t.Errorf("a credential reached the output:\n%s", out)
			}
		}
		if r.code == 0 {
			t.Errorf("sync with a wrong token went through")
		}
	}
}

// TestSyncLoopFollowsCommitsAndStopsOnSIGTERM: the loop applies a pushed
// commit on its next cycle, and exits promptly on SIGTERM.
func TestSyncLoopFollowsCommitsAndStopsOnSIGTERM(t *testing.T) {
	ns, repo, url := syncFixture(t)
	repo.commit("v1", map[string]string{"app/a.yaml": cm("a", "1")})
	cmd := exec.Command(convergeBin, "sync", "-n", ns, "--repo", url, "--path", "app", "--applyset", "app", "--interval", "500ms", "--cache-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "KUBECONFIG="+testcluster.Kubeconfig())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	value := func(want string) func(ctxT) (bool, error) {
		return func(ctxT) (bool, error) {
			r := kubectl(t, "get", "-n", ns, "configmap/a", "-o", "jsonpath={.data.v}")
			return r.code == 0 && r.stdout == want, nil
		}
	}
	testcluster.Eventually(t, timeout, "the first commit applied", value("1"))
	repo.commit("v2", map[string]string{"app/a.yaml": cm("a", "2")})
	testcluster.Eventually(t, timeout, "the pushed commit applied", value("2"))
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("sync exited with %v after SIGTERM", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sync did not exit within 10 s of SIGTERM")
	}
}

// startSync runs `converge sync` in the background until the test ends.
func startSync(t *testing.T, ns, url string, extra ...string) (*exec.Cmd, *lockedWriter) {
	t.Helper()
	args := append([]string{"sync", "-n", ns, "--repo", url, "--path", "app", "--applyset", "app", "--interval", "500ms", "--cache-dir", t.TempDir()}, extra...)
	cmd := exec.Command(convergeBin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+testcluster.Kubeconfig())
	logs := &lockedWriter{w: &bytes.Buffer{}}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_, _ = cmd.Process.Wait()
	})
	return cmd, logs
}

// lockedWriter lets a test read what a process writes.
type lockedWriter struct {
	mu gosync.Mutex
	w  interface {
		Write([]byte) (int, error)
		String() string
	}
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}

func cmHolds(t *testing.T, ns, name, want string) func(ctxT) (bool, error) {
	return func(ctxT) (bool, error) {
		r := kubectl(t, "get", "-n", ns, "configmap/"+name, "-o", "jsonpath={.data.v}")
		return r.code == 0 && r.stdout == want, nil
	}
}

// TestSyncDrift: a change to a managed field is reported (status and
// log) and, with --self-heal, undone; a field the manifests leave to
// others is not drift.
func TestSyncDrift(t *testing.T) {
	ns, repo, url := syncFixture(t)
	repo.commit("v1", map[string]string{"app/a.yaml": cm("a", "1"), "app/b.yaml": cm("b", "1")})

	_, logs := startSync(t, ns, url)
	testcluster.Eventually(t, timeout, "the commit applied", cmHolds(t, ns, "a", "1"))
	mustSucceed(t, "annotate", kubectl(t, "annotate", "-n", ns, "configmap/b", "team=web"))
	mustSucceed(t, "patch", kubectl(t, "patch", "-n", ns, "configmap/a", "-p", `{"data":{"v":"9"}}`))
	testcluster.Eventually(t, timeout, "drift reported in the status", func(ctxT) (bool, error) {
		st := syncStatus(t, ns, "app")
		return len(st.Drifted) == 1 && st.Drifted[0] == "configmap/a", nil
	})
	if !strings.Contains(logs.String(), "msg=drift") {
		t.Errorf("the log does not report the drift:\n%s", logs.String())
	}
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "9" {
		t.Errorf("without --self-heal the drift was undone: %q", got)
	}
}

// TestSyncSelfHeal: --self-heal applies a drifted object again, and one
// that was deleted.
func TestSyncSelfHeal(t *testing.T) {
	ns, repo, url := syncFixture(t)
	repo.commit("v1", map[string]string{"app/a.yaml": cm("a", "1"), "app/b.yaml": cm("b", "1")})
	startSync(t, ns, url, "--self-heal")
	testcluster.Eventually(t, timeout, "the commit applied", cmHolds(t, ns, "a", "1"))
	mustSucceed(t, "patch", kubectl(t, "patch", "-n", ns, "configmap/a", "-p", `{"data":{"v":"9"}}`))
	testcluster.Eventually(t, timeout, "configmap/a healed", cmHolds(t, ns, "a", "1"))
	mustSucceed(t, "delete", kubectl(t, "delete", "-n", ns, "configmap/b"))
	testcluster.Eventually(t, timeout, "configmap/b re-created", cmHolds(t, ns, "b", "1"))
	testcluster.Eventually(t, timeout, "no drift left in the status", func(ctxT) (bool, error) {
		return len(syncStatus(t, ns, "app").Drifted) == 0, nil
	})

	// An undo is not drift: self-heal leaves it, and the loop pins it.
	repo.commit("v2", map[string]string{"app/a.yaml": cm("a", "2")})
	testcluster.Eventually(t, timeout, "v2 applied", cmHolds(t, ns, "a", "2"))
	mustSucceed(t, "undo", converge(t, "undo", "-n", ns, "--applyset", "app"))
	testcluster.Eventually(t, timeout, "the undo pinned", func(ctxT) (bool, error) {
		return syncStatus(t, ns, "app").Pinned != nil, nil
	})
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "1" {
		t.Errorf("self-heal undid the undo: configmap/a = %q", got)
	}
}

// TestTwoSyncsOfOneSet: a Lease lets one sync apply; the other waits,
// says who holds it, and goes on once the first stops.
func TestTwoSyncsOfOneSet(t *testing.T) {
	ns, repo, url := syncFixture(t)
	repo.commit("v1", map[string]string{"app/a.yaml": cm("a", "1")})
	first, _ := startSync(t, ns, url)
	testcluster.Eventually(t, timeout, "the first sync applied", cmHolds(t, ns, "a", "1"))

	second := exec.Command(convergeBin, "sync", "-n", ns, "--repo", url, "--path", "app", "--applyset", "app", "--once", "--cache-dir", t.TempDir())
	second.Env = append(os.Environ(), "KUBECONFIG="+testcluster.Kubeconfig())
	var out bytes.Buffer
	errOut := &lockedWriter{w: &bytes.Buffer{}}
	second.Stdout, second.Stderr = &out, errOut
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- second.Wait() }()
	testcluster.Eventually(t, timeout, "the second sync to say who holds the lease", func(ctxT) (bool, error) {
		return strings.Contains(errOut.String(), "another sync of this set holds its lease"), nil
	})
	select {
	case err := <-done:
		t.Fatalf("the second sync did not wait for the lease: %v\n%s", err, errOut.String())
	default:
	}
	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil || !strings.Contains(out.String(), "unchanged") {
			t.Errorf("the second sync after the first stopped: %v\n%s%s", err, out.String(), errOut.String())
		}
	case <-time.After(timeout):
		t.Fatalf("the second sync did not go on after the first stopped:\n%s", errOut.String())
	}
}

// TestSyncRefusesAHostileRepository: a YAML bomb, a symlink out of the
// repository and a remote kustomize base each fail their commit with a
// clear problem, and nothing of them is applied.
func TestSyncRefusesAHostileRepository(t *testing.T) {
	ns, repo, url := syncFixture(t)
	repo.commit("good", map[string]string{"app/a.yaml": cm("a", "1")})
	mustSucceed(t, "sync", syncOnce(t, ns, url))
	bomb := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
	prev := "a"
	for _, level := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += fmt.Sprintf("  %s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", level, level, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = level
	}
	steps := []struct {
		subject string
		files   map[string]string
		want    string
	}{
		{subject: "a YAML bomb", files: map[string]string{"app/bomb.yaml": bomb}, want: "app/bomb.yaml:1: invalid YAML: document contains excessive aliasing; its aliases expand too far"},
		{subject: "a symlink out", files: map[string]string{"app/bomb.yaml": "", "app/passwd.yaml": "-> ../../../../etc/passwd"}, want: "leaves the repository"},
		{subject: "a remote base", files: map[string]string{"app/passwd.yaml": "", "app/kustomization.yaml": "resources:\n- a.yaml\n- https://github.com/org/repo//deploy?ref=v1\n"},
			want: `app/kustomization.yaml:3:3: resources names the remote base "https://github.com/org/repo//deploy?ref=v1"`},
	}
	for _, step := range steps {
		sha := repo.commitLinks(step.subject, step.files)
		if r := syncOnce(t, ns, url); r.code != 1 {
			t.Fatalf("%s: sync exit %d, want 1\n%s", step.subject, r.code, r.stderr)
		}
		st := syncStatus(t, ns, "app")
		if st.Last.Commit != sha.String() || len(st.Last.Problems) == 0 || !strings.Contains(st.Last.Problems[0], step.want) {
			t.Errorf("%s: status %+v, want a problem with %q", step.subject, st.Last, step.want)
		}
	}
	if kubectl(t, "get", "-n", ns, "configmap/bomb").code == 0 {
		t.Error("the YAML bomb was applied")
	}
}
