package kube

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
)

// UnreachableError means the API server could not be asked anything.
type UnreachableError struct {
	// Host is the server URL from the kubeconfig.
	Host string
	// Why says what failed, in words.
	Why string
	Err error
}

// Error says which server, why, and what to check.
func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the API server at %s: %s: %s; check --kubeconfig, --context and the server URL (kubectl config view --minify)", e.Host, e.Why, e.Err.Error())
}

// Unwrap returns the underlying error.
func (e *UnreachableError) Unwrap() error { return e.Err }

// pingTimeout bounds the first request to the server.
const pingTimeout = 15 * time.Second

// Ping asks the server for its version, so that a wrong server, a TLS
// problem or rejected credentials are reported as such, once, before any
// other work.
func (c *Clients) Ping(ctx context.Context) error {
	cfg := rest.CopyConfig(c.Config)
	cfg.Timeout = pingTimeout
	client, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return &UnreachableError{Host: c.Config.Host, Why: "invalid client configuration", Err: err}
	}
	err = client.RESTClient().Get().AbsPath("/version").Do(ctx).Error()
	if err == nil || apierrors.IsForbidden(err) {
		return nil // forbidden still proves the server is there
	}
	return &UnreachableError{Host: c.Config.Host, Why: classify(err), Err: err}
}

// Classify says in words why a request failed to reach the server.
func classify(err error) string {
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var opErr *net.OpError
	switch {
	case apierrors.IsUnauthorized(err):
		return "the server rejected the credentials"
	case errors.As(err, &dnsErr):
		return "the host name does not resolve"
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), strings.Contains(err.Error(), "x509:"), strings.Contains(err.Error(), "tls:"):
		return "the TLS handshake failed"
	case strings.Contains(err.Error(), "connection refused"):
		return "nothing accepts connections there"
	case errors.Is(err, context.DeadlineExceeded), strings.Contains(err.Error(), "Client.Timeout"):
		return "the server did not answer in time"
	case errors.As(err, &opErr):
		return "the connection failed"
	}
	return "the request failed"
}
