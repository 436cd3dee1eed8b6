package kube

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
)

// Clients are the connections to one cluster.
type Clients struct {
	// Config is the REST config, with client-side rate limiting disabled:
	// converge bounds its own concurrency instead.
	Config *rest.Config
	// Mapper maps kinds to resources and tells their scope.
	Mapper meta.RESTMapper
	// Dynamic reads and writes any resource.
	Dynamic dynamic.Interface
	// Metadata reads only the metadata of objects.
	Metadata metadata.Interface
	// Namespace is the namespace for namespaced objects that name none: -n,
	// or the kubeconfig context's namespace, or "default".
	Namespace string
	// NamespaceExplicit is true when -n was given; objects in other
	// namespaces are then an error, as in kubectl.
	NamespaceExplicit bool
}

// New builds Clients from kubectl-style flags.
func New(getter genericclioptions.RESTClientGetter) (*Clients, error) {
	cfg, err := getter.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig: %w; check --kubeconfig (or KUBECONFIG) and --context (kubectl config get-contexts)", err)
	}
	cfg = rest.CopyConfig(cfg)
	cfg.QPS = -1
	cfg.Burst = -1
	ns, explicit, err := getter.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil, fmt.Errorf("read namespace from kubeconfig: %w", err)
	}
	mapper, err := getter.ToRESTMapper()
	if err != nil {
		return nil, fmt.Errorf("discover API resources at %s: %w", cfg.Host, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("create client for %s: %w", cfg.Host, err)
	}
	md, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("create client for %s: %w", cfg.Host, err)
	}
	return &Clients{Config: cfg, Mapper: mapper, Dynamic: dyn, Metadata: md, Namespace: ns, NamespaceExplicit: explicit}, nil
}
