package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	syncNS  = "bench-sync"
	naiveNS = "bench-naive"
)

type bench struct {
	converge         string
	objects          int
	window, interval time.Duration

	dir, repo, clone, url string
	gitHits               atomic.Int64
	cs                    *kubernetes.Clientset
	log                   *logLines
	sync                  *exec.Cmd
}

func (b *bench) run() error {
	var err error
	if b.dir, err = os.MkdirTemp("", "converge-benchsync-"); err != nil {
		return err
	}
	defer os.RemoveAll(b.dir)
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		return err
	}
	if b.cs, err = kubernetes.NewForConfig(cfg); err != nil {
		return err
	}
	if err := b.makeRepo("1"); err != nil {
		return err
	}
	srv := httptest.NewServer(b.handler())
	defer srv.Close()
	b.url = srv.URL + "/apps"
	for _, ns := range []string{syncNS, naiveNS} {
		_ = b.cs.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{})
		b.waitGone(ns)
		if _, err := b.cs.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	return b.measure()
}

func (b *bench) waitGone(ns string) {
	for range 600 {
		if _, err := b.cs.CoreV1().Namespaces().Get(context.Background(), ns, metav1.GetOptions{}); err != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// makeRepo writes the ConfigMaps with data value v, 100 to a file, and
// commits them.
func (b *bench) makeRepo(v string) error {
	b.repo = filepath.Join(b.dir, "apps")
	if err := os.MkdirAll(filepath.Join(b.repo, "app"), 0o755); err != nil {
		return err
	}
	for f := 0; f*100 < b.objects; f++ {
		var sb strings.Builder
		for i := f * 100; i < min(b.objects, (f+1)*100); i++ {
			fmt.Fprintf(&sb, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%05d\n  labels: {bench: sync}\ndata:\n  value: %q\n  other: fixed\n", i, v)
		}
		if err := os.WriteFile(filepath.Join(b.repo, "app", fmt.Sprintf("cms-%03d.yaml", f)), []byte(sb.String()), 0o644); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(b.repo, ".git")); err != nil {
		if err := git(b.repo, "init", "-q", "-b", "main"); err != nil {
			return err
		}
	}
	if err := git(b.repo, "add", "-A"); err != nil {
		return err
	}
	return git(b.repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "value "+v)
}

func git(dir string, args ...string) error {
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// handler is git http-backend for the repository, counting round trips.
func (b *bench) handler() http.Handler {
	out, _ := exec.Command("git", "--exec-path").Output()
	backend := &cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(string(out)), "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + b.dir, "GIT_HTTP_EXPORT_ALL=1"},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.gitHits.Add(1)
		backend.ServeHTTP(w, r)
	})
}

// logLines keeps sync's stderr, each line with the time it arrived.
type logLines struct {
	mu    sync.Mutex
	lines []logLine
}

type logLine struct {
	at   time.Time
	text string
}

func (l *logLines) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		l.mu.Lock()
		l.lines = append(l.lines, logLine{at: time.Now(), text: sc.Text()})
		l.mu.Unlock()
	}
}

// since returns the lines from index i on.
func (l *logLines) since(i int) []logLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logLine(nil), l.lines[min(i, len(l.lines)):]...)
}

func (l *logLines) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

// waitFor waits until a line after index from holds text.
func (l *logLines) waitFor(from int, text string, timeout time.Duration) (logLine, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		for _, line := range l.since(from) {
			if strings.Contains(line.text, text) {
				return line, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return logLine{}, fmt.Errorf("no %q in sync's log after %s", text, timeout)
}

// startSync runs converge sync with client-go's request log (-v 6).
func (b *bench) startSync() error {
	b.sync = exec.Command(b.converge, "sync", "-n", syncNS, "--repo", b.url, "--path", "app", "--applyset", "bench",
		"--interval", b.interval.String(), "--cache-dir", filepath.Join(b.dir, "cache"), "-v", "6")
	stderr, err := b.sync.StderrPipe()
	if err != nil {
		return err
	}
	b.log = &logLines{}
	if err := b.sync.Start(); err != nil {
		return err
	}
	go b.log.read(stderr)
	return nil
}

// stopSync ends the sync and returns its peak RSS in KiB.
func (b *bench) stopSync() int64 {
	_ = b.sync.Process.Signal(syscall.SIGTERM)
	_ = b.sync.Wait()
	return maxRSS(b.sync.ProcessState)
}

func maxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

// cpuTime is the user+system CPU time of pid so far.
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data)[strings.LastIndexByte(string(data), ')')+2:])
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// apiserverRequests sums apiserver_request_total.
func (b *bench) apiserverRequests() (float64, error) {
	raw, err := b.cs.RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		return 0, err
	}
	total := 0.0
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "apiserver_request_total{") {
			continue
		}
		f := strings.Fields(line)
		v, _ := strconv.ParseFloat(f[len(f)-1], 64)
		total += v
	}
	return total, nil
}

// allHold waits until every ConfigMap of ns holds value.
func (b *bench) allHold(ns, value string, timeout time.Duration) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		list, err := b.cs.CoreV1().ConfigMaps(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "bench=sync"})
		if err == nil && len(list.Items) == b.objects {
			ok := true
			for _, cm := range list.Items {
				ok = ok && cm.Data["value"] == value
			}
			if ok {
				return time.Now(), nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Time{}, fmt.Errorf("%s: not every ConfigMap holds %q after %s", ns, value, timeout)
}

// naive runs git pull (or clone) and kubectl apply, returning the time
// and kubectl's peak RSS in KiB.
func (b *bench) naive() (time.Duration, int64, error) {
	start := time.Now()
	var err error
	if b.clone == "" {
		b.clone = filepath.Join(b.dir, "clone")
		err = exec.Command("git", "clone", "-q", b.url, b.clone).Run()
	} else {
		err = exec.Command("git", "-C", b.clone, "pull", "-q").Run()
	}
	if err != nil {
		return 0, 0, fmt.Errorf("git pull: %w", err)
	}
	cmd := exec.Command("kubectl", "apply", "-n", naiveNS, "-R", "-f", filepath.Join(b.clone, "app"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("kubectl apply: %w\n%.500s", err, out)
	}
	return time.Since(start), maxRSS(cmd.ProcessState), nil
}
