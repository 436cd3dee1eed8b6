// Package kube builds the Kubernetes clients every converge command shares:
// the REST config, a discovery-backed RESTMapper and a dynamic client, all
// from kubectl's standard connection flags (k8s.io/cli-runtime
// genericclioptions), so --kubeconfig, --context, -n and the rest behave as
// they do in kubectl.
package kube
