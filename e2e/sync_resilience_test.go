package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/convergehq/converge/internal/testcluster"
)

// stoppableServer is a git server on a fixed loopback address that can go
// down and come back.
type stoppableServer struct {
	t       *testing.T
	addr    string
	handler http.Handler
	srv     *http.Server
}

func newStoppableServer(t *testing.T, handler http.Handler) *stoppableServer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stoppableServer{t: t, addr: l.Addr().String(), handler: handler}
	s.serve(l)
	t.Cleanup(s.stop)
	return s
}

func (s *stoppableServer) serve(l net.Listener) {
	s.srv = &http.Server{Handler: s.handler}
	go func() { _ = s.srv.Serve(l) }()
}

func (s *stoppableServer) stop() { _ = s.srv.Close() }

func (s *stoppableServer) start() {
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatalf("listen again on %s: %v", s.addr, err)
	}
	s.serve(l)
}

// TestSyncRemoteDownThenBack: while the git remote is down, the applied
// state stays and the status shows the error and since when; when it is
// back, sync catches up by itself.
func TestSyncRemoteDownThenBack(t *testing.T) {
	ns := testcluster.Namespace(t)
	root := t.TempDir()
	repo := newGitRepo(t, root, "apps")
	srv := newStoppableServer(t, gitHandler(t, root, ""))
	url := "http://" + srv.addr + "/apps"
	repo.commit("v1", map[string]string{"app/a.yaml": cm("a", "1")})
	startSync(t, ns, url)
	testcluster.Eventually(t, timeout, "the commit applied", cmHolds(t, ns, "a", "1"))

	srv.stop()
	repo.commit("v2", map[string]string{"app/a.yaml": cm("a", "2")})
	testcluster.Eventually(t, timeout, "the git error in the status", func(ctxT) (bool, error) {
		return syncStatus(t, ns, "app").GitError != "", nil
	})
	if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "1" {
		t.Errorf("while the remote was down configmap/a became %q", got)
	}
	out := mustSucceed(t, "status", converge(t, "sync", "status", "-n", ns, "--applyset", "app")).stdout
	if !strings.Contains(out, "Git error:") || !strings.Contains(out, "since") {
		t.Errorf("status does not show the git error and since when:\n%s", out)
	}
	srv.start()
	testcluster.Eventually(t, timeout, "the commit pushed while down applied", cmHolds(t, ns, "a", "2"))
	testcluster.Eventually(t, timeout, "the git error cleared", func(ctxT) (bool, error) {
		return syncStatus(t, ns, "app").GitError == "", nil
	})
}

// TestSyncSurvivesAPIServerRestart: the control plane dies and comes back
// on the same data dir and port; sync retries and converges.
func TestSyncSurvivesAPIServerRestart(t *testing.T) {
	dataDir := t.TempDir()
	port := freePort(t)
	lc, err := testcluster.StartOnPort(dataDir, port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lc.Stop() })
	root := t.TempDir()
	repo := newGitRepo(t, root, "apps")
	url := gitServer(t, root, "") + "/apps"
	repo.commit("v1", map[string]string{"app/a.yaml": cm("a", "1")})
	cmd := exec.Command(convergeBin, "sync", "-n", "default", "--repo", url, "--path", "app", "--applyset", "app", "--interval", "500ms", "--cache-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "KUBECONFIG="+lc.Kubeconfig())
	logs := &lockedWriter{w: &strings.Builder{}}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _, _ = cmd.Process.Wait() })
	value := func(want string) func(ctxT) (bool, error) {
		return func(ctxT) (bool, error) {
			r := runEnv(t, []string{"KUBECONFIG=" + lc.Kubeconfig()}, "", "kubectl", "get", "configmap/a", "-o", "jsonpath={.data.v}")
			return r.code == 0 && r.stdout == want, nil
		}
	}
	testcluster.Eventually(t, timeout, "the commit applied", value("1"))
	lc.Kill()
	repo.commit("v2", map[string]string{"app/a.yaml": cm("a", "2")})
	testcluster.Eventually(t, timeout, "sync to fail a cycle and retry", func(ctxT) (bool, error) {
		return strings.Contains(logs.String(), "retrying"), nil
	})
	if lc, err = testcluster.StartOnPort(dataDir, port); err != nil {
		t.Fatal(err)
	}
	testcluster.Eventually(t, timeout, "the commit applied after the restart", value("2"))
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestSyncStopsMidApply: SIGTERM during an apply lets the requests in
// flight finish, records the cycle (applied, or interrupted when cut
// short), and exits within 10 s; the next sync converges.
func TestSyncStopsMidApply(t *testing.T) {
	ns, repo, url := syncFixture(t)
	files := map[string]string{}
	for f := range 5 {
		var sb strings.Builder
		for i := range 100 {
			sb.WriteString("---\n" + cm(fmt.Sprintf("cm-%d-%d", f, i), "1"))
		}
		files[fmt.Sprintf("app/cms-%d.yaml", f)] = sb.String()
	}
	repo.commit("500 config maps", files)
	cmd, logs := startSync(t, ns, url)
	testcluster.Eventually(t, timeout, "the apply to start", func(ctxT) (bool, error) {
		return strings.Contains(logs.String(), "msg=applying"), nil
	})
	stopped := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Process.Wait(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(stopped); d > 10*time.Second {
		t.Errorf("sync took %s to stop", d)
	}
	if st := syncStatus(t, ns, "app"); st.Last.Result != "applied" && st.Last.Result != "interrupted" {
		t.Errorf("after SIGTERM mid-apply the status says %+v", st.Last)
	}
	mustSucceed(t, "sync again", syncOnce(t, ns, url))
	if n := strings.Count(kubectl(t, "get", "configmaps", "-n", ns, "-o", "name").stdout, "configmap/cm-"); n != 500 {
		t.Errorf("%d ConfigMaps after the next sync, want 500", n)
	}
}
