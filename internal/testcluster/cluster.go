package testcluster

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long the control plane may take to print ready.
const startTimeout = 180 * time.Second

var kubeconfig string

// Kubeconfig returns the path of the shared cluster's kubeconfig.
func Kubeconfig() string { return kubeconfig }

// Main starts or reuses the control plane, runs the tests and stops it. Use
// it as: func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }.
func Main(m *testing.M) int {
	if kc := os.Getenv("KUBECONFIG"); kc != "" {
		kubeconfig = kc
		return m.Run()
	}
	lc, err := start("", 0)
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: local control plane did not start: %s\n", err.Error())
		return 1
	}
	kubeconfig = lc.kubeconfig
	os.Setenv("KUBECONFIG", kubeconfig)
	code := m.Run()
	lc.stop()
	os.RemoveAll(lc.dir)
	return code
}

// Cluster is a control plane of a test's own, for tests that stop it.
type Cluster struct {
	*localCluster
}

// Start runs a control plane of its own on dataDir, reusing what is there.
// Stop or Kill it; the data dir stays.
func Start(dataDir string) (*Cluster, error) {
	return StartOnPort(dataDir, 0)
}

// StartOnPort is Start with the API server on port (0 picks a free one),
// so that a client keeps its address across a restart.
func StartOnPort(dataDir string, port int) (*Cluster, error) {
	lc, err := start(dataDir, port)
	if err != nil {
		return nil, err
	}
	return &Cluster{lc}, nil
}

// Kubeconfig is the admin kubeconfig of the cluster.
func (c *Cluster) Kubeconfig() string { return c.kubeconfig }

// Kill stops the control plane at once with SIGKILL, as a crash does.
func (c *Cluster) Kill() {
	_ = c.cmd.Process.Kill()
	_ = c.cmd.Wait()
}

// Stop stops the control plane with SIGTERM.
func (c *Cluster) Stop() { c.stop() }

type localCluster struct {
	cmd        *exec.Cmd
	dir        string
	kubeconfig string
}

// RepoRoot returns the root of the converge repository.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "localcluster", "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the converge repository root from the working directory")
		}
		dir = parent
	}
}

// start runs bin/localcluster on dir, a new temp dir when "".
func start(dir string, port int) (*localCluster, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	if err := build(root); err != nil {
		return nil, err
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "converge-testcluster-"); err != nil {
			return nil, err
		}
	}
	lc := &localCluster{dir: dir, kubeconfig: filepath.Join(dir, "kubeconfig")}
	lc.cmd = exec.Command(filepath.Join(root, "bin", "localcluster"), "--data-dir", dir, "--kubeconfig-out", lc.kubeconfig, "--port", strconv.Itoa(port))
	logFile, err := os.OpenFile(filepath.Join(dir, "localcluster.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	lc.cmd.Stderr = logFile
	out, err := lc.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := lc.cmd.Start(); err != nil {
		return nil, fmt.Errorf("run bin/localcluster: %w", err)
	}
	if err := waitReady(out); err != nil {
		lc.stop()
		return nil, fmt.Errorf("%w; log: %s", err, tail(logFile.Name()))
	}
	return lc, nil
}

// build runs `make localcluster`, which does nothing when the binary is up
// to date.
func build(root string) error {
	cmd := exec.Command("make", "--no-print-directory", "localcluster")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("make localcluster in %s: %w", root, err)
	}
	return nil
}

func waitReady(out interface{ Read([]byte) (int, error) }) error {
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "ready") {
				ready <- nil
				for sc.Scan() {
				}
				return
			}
		}
		ready <- errors.New("bin/localcluster exited before it was ready")
	}()
	select {
	case err := <-ready:
		return err
	case <-time.After(startTimeout):
		return fmt.Errorf("bin/localcluster not ready after %s", startTimeout)
	}
}

func (lc *localCluster) stop() {
	_ = lc.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = lc.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = lc.cmd.Process.Kill()
		<-done
	}
}

func tail(path string) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// Context returns a context for one test, cancelled at its end or after two
// minutes.
func Context(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
