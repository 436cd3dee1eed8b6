// Package testcluster gives integration tests a real Kubernetes API server.
//
// A test package calls Main from its TestMain. When KUBECONFIG is set (as
// `make test` and .ci/run do, after starting one bin/localcluster for the
// whole run), tests use that cluster. Otherwise Main starts bin/localcluster
// itself, building it with `make localcluster` if needed, and stops it when
// the package's tests end. If the control plane cannot start, Main fails the
// run with the reason: integration tests never skip silently.
//
// Every test works in its own namespace from Namespace, deleted at cleanup.
package testcluster
