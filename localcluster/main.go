// Command localcluster runs a real Kubernetes control plane on 127.0.0.1 in
// one process: embedded etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler, built from the k8s.io/kubernetes Go modules, plus two
// simulated nodes (kwok-node-0 and kwok-node-1) run by kwok's controller, on
// which pods become Running and Ready without any container runtime.
// converge's integration tests, its demo and its benchmarks all run against
// it.
//
// Usage:
//
//	localcluster --data-dir DIR --kubeconfig-out FILE [--port 0]
//
// It prints a line containing "ready" once /readyz answers and the nodes
// take pods, then runs until
// SIGTERM or SIGINT, and stops within a few seconds. Reusing DIR keeps the
// cluster's objects and credentials.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// options are the command-line flags of localcluster.
type options struct {
	dataDir       string
	kubeconfigOut string
	port          int
	verbosity     int
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("localcluster", flag.ContinueOnError)
	fs.StringVar(&o.dataDir, "data-dir", "", "directory for etcd data and credentials (required; reuse it to keep objects)")
	fs.StringVar(&o.kubeconfigOut, "kubeconfig-out", "", "where to write the admin kubeconfig (default DATA-DIR/kubeconfig)")
	fs.IntVar(&o.port, "port", 0, "kube-apiserver secure port on 127.0.0.1; 0 picks a free port")
	fs.IntVar(&o.verbosity, "v", 0, "log verbosity of the Kubernetes components")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.dataDir == "" {
		return o, errors.New("--data-dir is required, for example: localcluster --data-dir /tmp/lc --kubeconfig-out /tmp/lc/kubeconfig")
	}
	abs, err := filepath.Abs(o.dataDir)
	if err != nil {
		return o, err
	}
	o.dataDir = abs
	if o.kubeconfigOut == "" {
		o.kubeconfigOut = filepath.Join(o.dataDir, "kubeconfig")
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	// Register for signals first: kube-apiserver installs its own handler
	// too, and both receive the signal.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)

	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	p := pki{dir: filepath.Join(o.dataDir, "pki")}
	if err := p.ensure(); err != nil {
		return err
	}
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	if o.port != 0 {
		ports[0] = o.port
	}
	etcd, err := startEtcd(o.dataDir, ports[1], ports[2])
	if err != nil {
		return err
	}
	cp := newControlPlane(o, p, ports)
	host := fmt.Sprintf("https://127.0.0.1:%d", cp.port)
	if err := writeKubeconfig(cp.kubeconfig, host, p); err != nil {
		return err
	}
	cp.startAPIServer()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	err = cp.waitReady(ctx, host)
	cancel()
	if err != nil {
		etcd.Close()
		return err
	}
	if err := writeKubeconfig(o.kubeconfigOut, host, p); err != nil {
		return err
	}
	if err := cp.startControllers(); err != nil {
		etcd.Close()
		return err
	}
	fmt.Printf("localcluster ready: server=%s kubeconfig=%s\n", host, o.kubeconfigOut)
	return serveUntilStopped(sigs, cp, etcd.Close)
}

func newControlPlane(o options, p pki, ports []int) *controlPlane {
	return &controlPlane{
		pki:        p,
		dataDir:    o.dataDir,
		port:       ports[0],
		etcdURL:    fmt.Sprintf("http://127.0.0.1:%d", ports[1]),
		verbosity:  o.verbosity,
		apiDone:    make(chan error, 1),
		kcmDone:    make(chan error, 1),
		schedDone:  make(chan error, 1),
		stopNodes:  func() {},
		kubeconfig: filepath.Join(o.dataDir, "controller-manager.kubeconfig"),
	}
}

// startControllers starts kube-controller-manager, kube-scheduler and the
// simulated nodes once kube-apiserver is ready, and waits until the nodes
// take pods.
func (cp *controlPlane) startControllers() error {
	cp.startControllerManager()
	ctx, cancel := context.WithCancel(context.Background())
	cp.stopNodes = cancel
	if err := cp.startNodes(ctx); err != nil {
		cancel()
		return err
	}
	return nil
}

// serveUntilStopped waits for a signal, or for a component to fail, and
// then stops everything.
func serveUntilStopped(sigs <-chan os.Signal, cp *controlPlane, closeEtcd func()) error {
	select {
	case s := <-sigs:
		fmt.Fprintf(os.Stderr, "localcluster: %s received, stopping\n", s)
	case err := <-cp.apiDone:
		closeEtcd()
		return fmt.Errorf("kube-apiserver exited: %w", err)
	case err := <-cp.kcmDone:
		closeEtcd()
		return fmt.Errorf("kube-controller-manager exited: %w", err)
	case err := <-cp.schedDone:
		closeEtcd()
		return fmt.Errorf("kube-scheduler exited: %w", err)
	}
	stop(cp, closeEtcd)
	return nil
}

// stop ends the components within a bounded time. kube-scheduler and kwok
// stop with their context; kube-apiserver shuts down on the signal it
// received itself; kube-controller-manager does not watch signals, so the
// process ends it by exiting once etcd is closed.
func stop(cp *controlPlane, closeEtcd func()) {
	cp.stopNodes()
	select {
	case <-cp.apiDone:
	case <-time.After(time.Second):
	}
	done := make(chan struct{})
	go func() { closeEtcd(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port on 127.0.0.1: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
