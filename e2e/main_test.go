package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
)

var convergeBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "converge-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	convergeBin = filepath.Join(dir, "converge")
	build := exec.Command("go", "build", "-o", convergeBin, "../cmd/converge")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: build converge:", err)
		return 1
	}
	return testcluster.Main(m)
}

// result is what a command printed and how it exited.
type result struct {
	stdout, stderr string
	code           int
}

func run(t *testing.T, stdin string, name string, args ...string) result {
	t.Helper()
	return runEnv(t, nil, stdin, name, args...)
}

// runEnv runs a command with env added to the test's environment.
func runEnv(t *testing.T, env []string, stdin string, name string, args ...string) result {
	t.Helper()
	return runIn(t, "", env, stdin, name, args...)
}

// runIn runs a command in directory dir ("" the test's own), with env
// added to the test's environment.
func runIn(t *testing.T, dir string, env []string, stdin string, name string, args ...string) result {
	t.Helper()
	ctx := testcluster.Context(t)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "KUBECONFIG="+testcluster.Kubeconfig()), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	res := result{stdout: out.String(), stderr: errOut.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s %s: %v", name, strings.Join(args, " "), err)
	}
	return res
}

func converge(t *testing.T, args ...string) result {
	t.Helper()
	return run(t, "", convergeBin, args...)
}

func kubectl(t *testing.T, args ...string) result {
	t.Helper()
	return run(t, "", "kubectl", args...)
}

// mustSucceed fails the test when r did not exit 0.
func mustSucceed(t *testing.T, what string, r result) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", what, r.code, r.stdout, r.stderr)
	}
	return r
}

// lines returns the non-empty lines of s, sorted.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// writeFiles writes name → content under a new temp dir and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func ctx(t *testing.T) context.Context { return testcluster.Context(t) }
