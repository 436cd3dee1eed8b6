package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	watchtools "k8s.io/client-go/tools/watch"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, o options)
	}{
		{name: "data dir required", args: nil, wantErr: "--data-dir is required"},
		{
			name: "kubeconfig defaults into the data dir",
			args: []string{"--data-dir", "rel/dir"},
			check: func(t *testing.T, o options) {
				if !filepath.IsAbs(o.dataDir) || o.kubeconfigOut != filepath.Join(o.dataDir, "kubeconfig") {
					t.Errorf("got dataDir %q kubeconfig %q", o.dataDir, o.kubeconfigOut)
				}
			},
		},
		{
			name: "explicit port and kubeconfig",
			args: []string{"--data-dir", "/d", "--kubeconfig-out", "/k", "--port", "6443"},
			check: func(t *testing.T, o options) {
				if o.port != 6443 || o.kubeconfigOut != "/k" {
					t.Errorf("got %+v", o)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseFlags(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, o)
		})
	}
}

func TestPKIIsCreatedOnceAndReused(t *testing.T) {
	p := pki{dir: filepath.Join(t.TempDir(), "pki")}
	if err := p.ensure(); err != nil {
		t.Fatal(err)
	}
	first := readAll(t, p)
	if err := p.ensure(); err != nil {
		t.Fatal(err)
	}
	if second := readAll(t, p); second != first {
		t.Fatal("ensure regenerated existing credentials; a restart would invalidate old kubeconfigs")
	}
	if _, err := (&controlPlane{pki: p}).adminHTTPClient(); err != nil {
		t.Fatalf("admin credential unusable: %v", err)
	}
}

func readAll(t *testing.T, p pki) string {
	t.Helper()
	var b strings.Builder
	for _, f := range []string{p.caCert(), p.servingCert(), p.adminCert(), p.saPub()} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// TestWorkloadsRunOnSimulatedNodes runs the binary: a Deployment rolls out
// on the simulated nodes, a Job completes, the process stops within 5s, and
// a restart on the same data dir keeps the objects and still runs pods.
func TestWorkloadsRunOnSimulatedNodes(t *testing.T) {
	bin := localclusterBinary(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	c := startCluster(t, bin, dir)
	createDeployment(ctx, t, c.client, "flask", 2)
	waitDeploymentAvailable(ctx, t, c.client, "flask", 2)
	kubectlRolloutStatus(t, c.kubeconfig, "flask")
	createJob(ctx, t, c.client, "once")
	waitJobComplete(ctx, t, c.client, "once")
	c.stop(t)

	c = startCluster(t, bin, dir)
	if _, err := c.client.AppsV1().Deployments("default").Get(ctx, "flask", metav1.GetOptions{}); err != nil {
		t.Fatalf("deployment lost on restart: %v", err)
	}
	waitDeploymentAvailable(ctx, t, c.client, "flask", 2)
	createDeployment(ctx, t, c.client, "after-restart", 2)
	waitDeploymentAvailable(ctx, t, c.client, "after-restart", 2)
	kubectlRolloutStatus(t, c.kubeconfig, "after-restart")
	c.stop(t)
}

// localclusterBinary is the binary under test: $LOCALCLUSTER_BIN, or else
// bin/localcluster as `make localcluster` builds it, which must not be
// older than its sources.
func localclusterBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts bin/localcluster")
	}
	if p := os.Getenv("LOCALCLUSTER_BIN"); p != "" {
		return p
	}
	bin, err := filepath.Abs(filepath.Join("..", "bin", "localcluster"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(bin)
	if err != nil {
		t.Fatalf("%v: run `make localcluster` first, or set LOCALCLUSTER_BIN", err)
	}
	sources, _ := filepath.Glob("*.go")
	for _, src := range append(sources, "go.mod", "go.sum") {
		if s, err := os.Stat(src); err == nil && s.ModTime().After(info.ModTime()) {
			t.Fatalf("%s is older than %s: run `make localcluster`, or set LOCALCLUSTER_BIN", bin, src)
		}
	}
	return bin
}

// cluster is a running localcluster process.
type cluster struct {
	cmd        *exec.Cmd
	exited     chan struct{} // closed when the process has exited
	exitErr    error         // what Wait returned, once exited is closed
	kubeconfig string
	client     kubernetes.Interface
}

// startCluster starts the binary on dir and waits for its ready line.
func startCluster(t *testing.T, bin, dir string) *cluster {
	t.Helper()
	c := &cluster{exited: make(chan struct{}), kubeconfig: filepath.Join(dir, "kubeconfig")}
	logPath := filepath.Join(t.TempDir(), "localcluster.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	out := &readyWriter{ready: make(chan struct{})}
	c.cmd = exec.Command(bin, "--data-dir", dir, "--kubeconfig-out", c.kubeconfig)
	c.cmd.Stdout, c.cmd.Stderr = out, logFile
	start := time.Now()
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.exitErr = c.cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		<-c.exited // before the data dir is removed
		if t.Failed() {
			logTail(t, logPath)
		}
	})
	select {
	case <-out.ready:
		t.Logf("ready after %s", time.Since(start).Round(time.Millisecond))
	case <-c.exited:
		t.Fatalf("localcluster exited before it was ready: %v", c.exitErr)
	case <-time.After(60 * time.Second):
		t.Fatal("localcluster not ready within 60s")
	}
	c.client = clientFor(t, c.kubeconfig)
	return c
}

// stop sends SIGTERM and requires the process to exit cleanly within 5s.
func (c *cluster) stop(t *testing.T) {
	t.Helper()
	start := time.Now()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.exited:
		if c.exitErr != nil {
			t.Fatalf("localcluster exited with %v after SIGTERM", c.exitErr)
		}
		t.Logf("stopped after %s", time.Since(start).Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		t.Fatal("localcluster did not stop within 5s of SIGTERM")
	}
}

// readyWriter collects stdout and closes ready at the first "ready".
type readyWriter struct {
	mu    sync.Mutex
	buf   strings.Builder
	ready chan struct{}
	once  sync.Once
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), "ready") {
		w.once.Do(func() { close(w.ready) })
	}
	return len(p), nil
}

func logTail(t *testing.T, path string) {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	t.Logf("last lines of localcluster's stderr:\n%s", strings.Join(lines, "\n"))
}

func clientFor(t *testing.T, kubeconfig string) kubernetes.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func podTemplate(name string, restart corev1.RestartPolicy) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
		Spec: corev1.PodSpec{
			RestartPolicy: restart,
			Containers:    []corev1.Container{{Name: "app", Image: "registry.example/flask:0.1.0"}},
		},
	}
}

func createDeployment(ctx context.Context, t *testing.T, client kubernetes.Interface, name string, replicas int32) {
	t.Helper()
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: podTemplate(name, corev1.RestartPolicyAlways),
		},
	}
	if _, err := client.AppsV1().Deployments("default").Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create deployment %s: %v", name, err)
	}
}

func createJob(ctx context.Context, t *testing.T, client kubernetes.Interface, name string) {
	t.Helper()
	j := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       batchv1.JobSpec{Template: podTemplate(name, corev1.RestartPolicyNever)},
	}
	if _, err := client.BatchV1().Jobs("default").Create(ctx, j, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create job %s: %v", name, err)
	}
}

func waitDeploymentAvailable(ctx context.Context, t *testing.T, client kubernetes.Interface, name string, replicas int32) {
	t.Helper()
	lw := cache.NewListWatchFromClient(client.AppsV1().RESTClient(), "deployments", "default", fields.OneTermEqualSelector("metadata.name", name))
	waitFor(ctx, t, lw, &appsv1.Deployment{}, "deployment "+name+" available", func(obj runtime.Object) bool {
		d := obj.(*appsv1.Deployment)
		return d.Status.ObservedGeneration >= d.Generation && d.Status.AvailableReplicas == replicas
	})
}

func waitJobComplete(ctx context.Context, t *testing.T, client kubernetes.Interface, name string) {
	t.Helper()
	lw := cache.NewListWatchFromClient(client.BatchV1().RESTClient(), "jobs", "default", fields.OneTermEqualSelector("metadata.name", name))
	waitFor(ctx, t, lw, &batchv1.Job{}, "job "+name+" complete", func(obj runtime.Object) bool {
		for _, c := range obj.(*batchv1.Job).Status.Conditions {
			if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
				return true
			}
		}
		return false
	})
}

// waitFor watches one object until cond holds, or fails the test when ctx
// ends first.
func waitFor(ctx context.Context, t *testing.T, lw cache.ListerWatcher, obj runtime.Object, what string, cond func(runtime.Object) bool) {
	t.Helper()
	start := time.Now()
	_, err := watchtools.UntilWithSync(ctx, lw, obj, nil, func(ev watch.Event) (bool, error) {
		if ev.Type == watch.Deleted {
			return false, fmt.Errorf("%s: object deleted", what)
		}
		return cond(ev.Object), nil
	})
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
	t.Logf("%s after %s", what, time.Since(start).Round(time.Millisecond))
}

// kubectlRolloutStatus runs `kubectl rollout status` when kubectl is on PATH.
func kubectlRolloutStatus(t *testing.T, kubeconfig, name string) {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Log("kubectl not on PATH; not checking `kubectl rollout status`")
		return
	}
	out, err := exec.Command(kubectl, "--kubeconfig", kubeconfig, "rollout", "status", "deployment/"+name, "--timeout=60s").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "successfully rolled out") {
		t.Fatalf("kubectl rollout status deployment/%s: %v\n%s", name, err, out)
	}
}
