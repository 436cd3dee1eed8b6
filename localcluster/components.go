package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	logsapi "k8s.io/component-base/logs/api/v1"
	apiserverapp "k8s.io/kubernetes/cmd/kube-apiserver/app"
	kcmapp "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

// controlPlane runs kube-apiserver and kube-controller-manager in this
// process, each as its own cobra command with the flags a real deployment
// would pass, and kube-scheduler and the simulated nodes (scheduler.go,
// nodes.go).
type controlPlane struct {
	pki        pki
	dataDir    string
	port       int
	etcdURL    string
	verbosity  int
	kubeconfig string
	apiDone    chan error
	kcmDone    chan error
	schedDone  chan error
	// stopNodes ends kube-scheduler and kwok.
	stopNodes context.CancelFunc
}

func init() {
	// Both components apply the logging configuration; the second must not
	// fail because the first already did.
	logsapi.ReapplyHandling = logsapi.ReapplyHandlingIgnoreUnchanged
}

func (cp *controlPlane) apiServerArgs() []string {
	return []string{
		"--etcd-servers=" + cp.etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(cp.port),
		"--cert-dir=" + cp.pki.dir,
		"--tls-cert-file=" + cp.pki.servingCert(),
		"--tls-private-key-file=" + cp.pki.servingKey(),
		"--client-ca-file=" + cp.pki.caCert(),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + cp.pki.saPub(),
		"--service-account-signing-key-file=" + cp.pki.saKey(),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--authorization-mode=RBAC",
		"--endpoint-reconciler-type=none",
		"--enable-priority-and-fairness=false",
		"--allow-privileged=true",
		"--profiling=false",
		"--v=" + strconv.Itoa(cp.verbosity),
	}
}

func (cp *controlPlane) controllerManagerArgs() []string {
	return []string{
		"--kubeconfig=" + cp.kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		"--service-account-private-key-file=" + cp.pki.saKey(),
		"--root-ca-file=" + cp.pki.caCert(),
		"--cluster-signing-cert-file=" + cp.pki.caCert(),
		"--cluster-signing-key-file=" + cp.pki.caKey(),
		"--use-service-account-credentials=false",
		"--v=" + strconv.Itoa(cp.verbosity),
	}
}

func (cp *controlPlane) startAPIServer() {
	cmd := apiserverapp.NewAPIServerCommand()
	cmd.SetArgs(cp.apiServerArgs())
	go func() { cp.apiDone <- cmd.Execute() }()
}

func (cp *controlPlane) startControllerManager() {
	cmd := kcmapp.NewControllerManagerCommand()
	cmd.SetArgs(cp.controllerManagerArgs())
	go func() { cp.kcmDone <- cmd.Execute() }()
}

// waitReady polls /readyz with the admin credential until it answers 200.
func (cp *controlPlane) waitReady(ctx context.Context, host string) error {
	client, err := cp.adminHTTPClient()
	if err != nil {
		return err
	}
	var last string
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, host+"/readyz", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case err := <-cp.apiDone:
			return fmt.Errorf("kube-apiserver exited before it was ready: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("kube-apiserver not ready at %s/readyz (last answer: %s); run with --v=2 and read stderr", host, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (cp *controlPlane) adminHTTPClient() (*http.Client, error) {
	caPEM, err := os.ReadFile(cp.pki.caCert())
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	pair, err := tls.LoadX509KeyPair(cp.pki.adminCert(), cp.pki.adminKey())
	if err != nil {
		return nil, fmt.Errorf("load admin credential from %s: %w", filepath.Dir(cp.pki.adminCert()), err)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}}
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}, nil
}
