package main

import (
	"context"
	"fmt"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/clock"
	nodefast "sigs.k8s.io/kwok/kustomize/stage/node/fast"
	nodeheartbeat "sigs.k8s.io/kwok/kustomize/stage/node/heartbeat-with-lease"
	podfast "sigs.k8s.io/kwok/kustomize/stage/pod/fast"
	"sigs.k8s.io/kwok/pkg/apis/internalversion"
	"sigs.k8s.io/kwok/pkg/apis/v1alpha1"
	"sigs.k8s.io/kwok/pkg/client/clientset/versioned"
	"sigs.k8s.io/kwok/pkg/kwok/controllers"
	kwoklog "sigs.k8s.io/kwok/pkg/log"
	kwokclient "sigs.k8s.io/kwok/pkg/utils/client"
	"sigs.k8s.io/yaml"
)

const (
	// fakeNodeCount simulated nodes, named kwok-node-0, kwok-node-1, ...
	fakeNodeCount = 2
	// kwokNodeAnnotation marks the nodes kwok manages, as kwokctl does.
	kwokNodeAnnotation = "kwok.x-k8s.io/node"
	// kwokIdentity holds the node leases. It is fixed, not random as in
	// the kwok binary, so that a restart on the same data dir renews the
	// leases at once instead of waiting for the old ones to expire.
	kwokIdentity = "localcluster-kwok"
	// kwokPodCIDR is where simulated pods get their IPs; it is apart from
	// the service range 10.0.0.0/24.
	kwokPodCIDR = "10.244.0.0/16"
	// nodeLeaseSeconds is kwokctl's default node lease duration; kwok
	// renews the leases every quarter of it.
	nodeLeaseSeconds = 40
)

func fakeNodeName(i int) string { return fmt.Sprintf("kwok-node-%d", i) }

// startNodes runs kube-scheduler and the kwok controller, creates the
// simulated nodes when they do not exist yet, and waits until pods can be
// scheduled on them.
func (cp *controlPlane) startNodes(ctx context.Context) error {
	if err := cp.startScheduler(ctx); err != nil {
		return err
	}
	client, err := adminClient(cp.kubeconfig)
	if err != nil {
		return err
	}
	if err := ensureNodes(ctx, client); err != nil {
		return err
	}
	if err := startKwok(ctx, cp.kubeconfig, cp.verbosity); err != nil {
		return err
	}
	waitCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return waitSchedulable(waitCtx, client)
}

func adminClient(kubeconfig string) (kubernetes.Interface, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	return kubernetes.NewForConfig(cfg)
}

// fakeNode is a simulated node: kwok's annotation, the labels a kubelet
// sets, generous capacity and no taints, so that pods need no tolerations.
func fakeNode(name string) *corev1.Node {
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("32"),
		corev1.ResourceMemory: resource.MustParse("256Gi"),
		corev1.ResourcePods:   resource.MustParse("1000"),
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Annotations: map[string]string{kwokNodeAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0"},
			Labels: map[string]string{
				"type":                          "kwok",
				"kubernetes.io/hostname":        name,
				"kubernetes.io/os":              "linux",
				"kubernetes.io/arch":            "amd64",
				"node-role.kubernetes.io/agent": "",
			},
		},
		Status: corev1.NodeStatus{
			Capacity:    capacity,
			Allocatable: capacity,
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: "127.0.0.1"},
				{Type: corev1.NodeHostName, Address: name},
			},
			Phase: corev1.NodeRunning,
		},
	}
}

// ensureNodes creates the simulated nodes; those kept in a reused data dir
// stay as they are.
func ensureNodes(ctx context.Context, client kubernetes.Interface) error {
	for i := range fakeNodeCount {
		node := fakeNode(fakeNodeName(i))
		_, err := client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create node %s: %w", node.Name, err)
		}
	}
	return nil
}

// kwokStages are the stages kwokctl gives kwok by default: the "fast" node
// and pod stages plus the node heartbeat that goes with node leases. Nodes
// become Ready at once; pods become Running and Ready at once, pods of Jobs
// then Succeeded, and deleted pods go away.
func kwokStages() (map[internalversion.StageResourceRef][]*internalversion.Stage, error) {
	raw := []string{
		nodefast.DefaultNodeInit,
		nodeheartbeat.DefaultNodeHeartbeatWithLease,
		podfast.DefaultPodReady,
		podfast.DefaultPodComplete,
		podfast.DefaultPodDelete,
	}
	stages := map[internalversion.StageResourceRef][]*internalversion.Stage{}
	for _, r := range raw {
		var v v1alpha1.Stage
		if err := yaml.Unmarshal([]byte(r), &v); err != nil {
			return nil, fmt.Errorf("decode kwok stage: %w", err)
		}
		s, err := internalversion.ConvertToInternalStage(&v)
		if err != nil {
			return nil, fmt.Errorf("convert kwok stage %s: %w", v.Name, err)
		}
		stages[s.Spec.ResourceRef] = append(stages[s.Spec.ResourceRef], s)
	}
	return stages, nil
}

// kwokLogLevel maps --v onto kwok's levels. kwok logs each node and pod it
// patches at Info, which the Kubernetes components only do from --v=2 on.
func kwokLogLevel(v int) kwoklog.Level {
	switch {
	case v >= 4:
		return kwoklog.LevelDebug
	case v >= 2:
		return kwoklog.LevelInfo
	default:
		return kwoklog.LevelWarn
	}
}

// startKwok runs kwok's controller until ctx ends: it plays the stages on
// the annotated nodes and on the pods bound to them, logging to stderr.
func startKwok(ctx context.Context, kubeconfig string, verbosity int) error {
	ctx = kwoklog.NewContext(ctx, kwoklog.NewLogger(os.Stderr, kwokLogLevel(verbosity)))
	conf, err := kwokConfig(kubeconfig)
	if err != nil {
		return err
	}
	ctr, err := controllers.NewController(conf)
	if err != nil {
		return fmt.Errorf("create kwok controller: %w", err)
	}
	if err := ctr.Start(ctx); err != nil {
		return fmt.Errorf("start kwok controller: %w", err)
	}
	return nil
}

// kwokConfig is the configuration the kwok binary builds from its defaults
// (see sigs.k8s.io/kwok/pkg/kwok/cmd and the KwokConfiguration defaults),
// with the stages of kwokStages.
func kwokConfig(kubeconfig string) (controllers.Config, error) {
	stages, err := kwokStages()
	if err != nil {
		return controllers.Config{}, err
	}
	conf, err := kwokClients(kubeconfig)
	if err != nil {
		return controllers.Config{}, fmt.Errorf("kwok clients: %w", err)
	}
	conf.Clock = clock.RealClock{}
	conf.ManageNodesWithAnnotationSelector = kwokNodeAnnotation + "=fake"
	conf.CIDR = kwokPodCIDR
	conf.LocalStages = stages
	conf.PodPlayStageParallelism = 4
	conf.NodePlayStageParallelism = 4
	conf.NodeLeaseParallelism = 4
	conf.NodeLeaseDurationSeconds = nodeLeaseSeconds
	conf.PodsOnNodeSyncParallelism = 1
	conf.ID = kwokIdentity
	return conf, nil
}

// kwokClients fills in the clients of a kwok configuration the way the kwok
// binary creates them.
func kwokClients(kubeconfig string) (controllers.Config, error) {
	var conf controllers.Config
	cs, err := kwokclient.NewClientset("", kubeconfig)
	if err != nil {
		return conf, err
	}
	restConfig, err := cs.ToRESTConfig()
	if err != nil {
		return conf, err
	}
	if conf.DynamicClient, err = cs.ToDynamicClient(); err != nil {
		return conf, err
	}
	if conf.RESTMapper, err = cs.ToRESTMapper(); err != nil {
		return conf, err
	}
	if conf.RESTClient, err = rest.RESTClientFor(restConfig); err != nil {
		return conf, err
	}
	if conf.TypedClient, err = kubernetes.NewForConfig(restConfig); err != nil {
		return conf, err
	}
	if conf.TypedKwokClient, err = versioned.NewForConfig(restConfig); err != nil {
		return conf, err
	}
	conf.ImpersonatingDynamicClient = cs.ToImpersonatingDynamicClient()
	conf.ImpersonatingTypedClient = cs.ToImpersonatingTypedClient()
	return conf, nil
}

// waitSchedulable waits until every simulated node is Ready and free of the
// not-ready and unreachable taints, and the default ServiceAccount exists,
// so that a workload created right after "ready" runs at once.
func waitSchedulable(ctx context.Context, client kubernetes.Interface) error {
	var last string
	err := wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		last = notSchedulable(ctx, client)
		return last == "", nil
	})
	if err != nil {
		return fmt.Errorf("simulated nodes not usable (%s): %w", last, err)
	}
	return nil
}

// notSchedulable says what still keeps pods from running, or "" if nothing.
func notSchedulable(ctx context.Context, client kubernetes.Interface) string {
	for i := range fakeNodeCount {
		node, err := client.CoreV1().Nodes().Get(ctx, fakeNodeName(i), metav1.GetOptions{})
		if err != nil {
			return err.Error()
		}
		if !nodeReady(node) {
			return "node " + node.Name + " is not Ready"
		}
		for _, t := range node.Spec.Taints {
			if t.Key == corev1.TaintNodeNotReady || t.Key == corev1.TaintNodeUnreachable {
				return "node " + node.Name + " has taint " + t.Key
			}
		}
	}
	if _, err := client.CoreV1().ServiceAccounts(metav1.NamespaceDefault).Get(ctx, "default", metav1.GetOptions{}); err != nil {
		return "default ServiceAccount: " + err.Error()
	}
	return ""
}

func nodeReady(node *corev1.Node) bool {
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
