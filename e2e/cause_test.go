package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// commitAll commits every file of the work tree and returns
// "<short sha> <subject>".
func commitAll(t *testing.T, repo *git.Repository, subject string) string {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddGlob("."); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Now()}
	h, err := wt.Commit(subject, &git.CommitOptions{Author: sig})
	if err != nil {
		t.Fatal(err)
	}
	return h.String()[:7] + " " + subject
}

func causeOf(t *testing.T, ns, object string) string {
	t.Helper()
	return jsonpath(t, ns, object, `{.metadata.annotations.kubernetes\.io/change-cause}`)
}

// TestChangeCauseOnWhatChanged: each apply stamps its git commit on the
// objects it creates or changes, never on unchanged ones, never in
// last-applied, and never over a cause the manifest sets.
func TestChangeCauseOnWhatChanged(t *testing.T) {
	ns := testcluster.Namespace(t)
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	mine := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n  annotations:\n    kubernetes.io/change-cause: set by hand\n"
	for name, content := range map[string]string{"web.yaml": webDeployment, "cm.yaml": configMapYAML("settings"), "mine.yaml": mine} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	first := commitAll(t, repo, "first release")
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", dir))
	for _, o := range []string{"deployment/web", "configmap/settings"} {
		if got := causeOf(t, ns, o); got != first {
			t.Errorf("%s change-cause = %q, want %q", o, got, first)
		}
	}
	if got := causeOf(t, ns, "configmap/mine"); got != "set by hand" {
		t.Errorf("the manifest's own cause was replaced: %q", got)
	}
	if d := kubectl(t, "diff", "-n", ns, "-f", dir); d.code != 0 {
		t.Errorf("kubectl diff after converge apply: exit %d\n%s", d.code, d.stdout)
	}
	before := countRequests(t, writes("configmaps", "deployments"))
	mustSucceed(t, "no-op apply", converge(t, "apply", "-n", ns, "-f", dir))
	if n := countRequests(t, writes("configmaps", "deployments")) - before; n != 0 {
		t.Errorf("no-op apply sent %d writes", n)
	}

	bumped := strings.Replace(webDeployment, "web:1.0", "web:1.1", 1)
	if err := os.WriteFile(filepath.Join(dir, "web.yaml"), []byte(bumped), 0o644); err != nil {
		t.Fatal(err)
	}
	second := commitAll(t, repo, "bump web to 1.1")
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", dir))
	if got := causeOf(t, ns, "deployment/web"); got != second {
		t.Errorf("changed deployment cause = %q, want %q", got, second)
	}
	if got := causeOf(t, ns, "configmap/settings"); got != first {
		t.Errorf("unchanged configmap cause = %q, want still %q", got, first)
	}
	testcluster.Eventually(t, timeout, "rollout history with both causes", func(c ctxT) (bool, error) {
		h := kubectl(t, "rollout", "history", "-n", ns, "deployment/web")
		return strings.Contains(h.stdout, first) && strings.Contains(h.stdout, second), nil
	})
	if la := jsonpath(t, ns, "deployment/web", `{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}`); strings.Contains(la, "change-cause") {
		t.Errorf("change-cause in last-applied: %s", la)
	}
	hot := strings.Replace(bumped, "replicas: 1", "replicas: 2", 1)
	if err := os.WriteFile(filepath.Join(dir, "web.yaml"), []byte(hot), 0o644); err != nil {
		t.Fatal(err)
	}
	mustSucceed(t, "apply --change-cause", converge(t, "apply", "-n", ns, "-f", dir, "--change-cause", "hotfix: two replicas"))
	if got := causeOf(t, ns, "deployment/web"); got != "hotfix: two replicas" {
		t.Errorf("--change-cause: %q", got)
	}
}

// TestChangeCauseUnderServerSideApply: the cause a server-side apply wrote
// is kept by the next one, and diff --server-side shows no change.
func TestChangeCauseUnderServerSideApply(t *testing.T) {
	ns := testcluster.Namespace(t)
	dir := writeFiles(t, map[string]string{"cm.yaml": configMapYAML("settings")})
	mustSucceed(t, "apply", converge(t, "apply", "--server-side", "-n", ns, "-f", dir, "--change-cause", "first"))
	if got := causeOf(t, ns, "configmap/settings"); got != "first" {
		t.Errorf("cause = %q, want first", got)
	}
	if d := converge(t, "diff", "--server-side", "-n", ns, "-f", dir); d.code != 0 {
		t.Errorf("diff --server-side after apply: exit %d\n%s%s", d.code, d.stdout, d.stderr)
	}
	r := mustSucceed(t, "re-apply", converge(t, "apply", "--server-side", "-n", ns, "-f", dir, "--change-cause", "second"))
	if !strings.Contains(r.stdout, "unchanged") || causeOf(t, ns, "configmap/settings") != "first" {
		t.Errorf("a no-op server-side apply changed the cause: %s, cause %q", r.stdout, causeOf(t, ns, "configmap/settings"))
	}
}
