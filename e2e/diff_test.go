package e2e

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/internal/testcluster"
	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"k8s.io/cli-runtime/pkg/genericclioptions"
)

// othersOwn are fields controllers change after an apply; a prediction
// cannot know them.
var othersOwn = []diff.IgnoreRule{
	{Kind: "Deployment", Path: []string{"metadata", "annotations", "deployment.kubernetes.io/revision"}},
}

func clientsFor(t *testing.T, ns string) *kube.Clients {
	t.Helper()
	kc := testcluster.Kubeconfig()
	flags := genericclioptions.NewConfigFlags(true)
	flags.KubeConfig, flags.Namespace = &kc, &ns
	c, err := kube.New(flags)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func load(t *testing.T, files ...string) manifests.Set {
	t.Helper()
	set, err := manifests.Load(context.Background(), manifests.Options{Paths: files})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

type diffScenario struct {
	name string
	// setup prepares the namespace: applies the "before" state.
	setup func(t *testing.T, ns string)
	after []string
	// serverOnly marks scenarios whose result depends on server defaulting
	// (a new object), which only --server-side-dry-run predicts.
	serverOnly bool
}

func diffScenarios() []diffScenario {
	convergeApply := func(files ...string) func(t *testing.T, ns string) {
		return func(t *testing.T, ns string) {
			args := []string{"apply", "-n", ns}
			for _, f := range files {
				args = append(args, "-f", f)
			}
			mustSucceed(t, "converge apply", converge(t, args...))
		}
	}
	return []diffScenario{
		{name: "field changed", setup: convergeApply("testdata/configmap-two-keys.yaml"), after: []string{"testdata/diff/configmap-changed.yaml"}},
		{name: "field removed", setup: convergeApply("testdata/configmap-two-keys.yaml"), after: []string{"testdata/configmap-one-key.yaml"}},
		{name: "field added", setup: convergeApply("testdata/configmap-one-key.yaml"), after: []string{"testdata/configmap-two-keys.yaml"}},
		{name: "keyed list item removed", setup: convergeApply("testdata/deployment-two-env.yaml"), after: []string{"testdata/deployment-one-env.yaml"}},
		{name: "keyed list item added", setup: convergeApply("testdata/deployment-one-env.yaml"), after: []string{"testdata/deployment-two-env.yaml"}},
		{name: "field owned by someone else", setup: func(t *testing.T, ns string) {
			convergeApply("testdata/deployment-no-replicas.yaml")(t, ns)
			mustSucceed(t, "kubectl scale", kubectl(t, "scale", "-n", ns, "deployment/api", "--replicas=4"))
		}, after: []string{"testdata/deployment-no-replicas-v2.yaml"}},
		{name: "custom resource", setup: func(t *testing.T, ns string) {
			installWidgetCRD(t)
			convergeApply("testdata/widget-v1.yaml")(t, ns)
		}, after: []string{"testdata/widget-v2.yaml"}},
		{name: "object created by kubectl", setup: func(t *testing.T, ns string) {
			mustSucceed(t, "kubectl apply", kubectl(t, "apply", "-n", ns, "-f", "testdata/deployment-two-env.yaml"))
		}, after: []string{"testdata/deployment-one-env.yaml"}},
		{name: "secret stringData", setup: convergeApply("testdata/diff/secret-v1.yaml"), after: []string{"testdata/diff/secret-v2.yaml"}},
		{name: "new object", setup: func(*testing.T, string) {}, after: []string{"testdata/deployment-two-env.yaml", "testdata/configmap-one-key.yaml"}, serverOnly: true},
	}
}

func installWidgetCRD(t *testing.T) {
	t.Helper()
	crd := filepath.Join("testdata", "crd-widgets.yaml")
	mustSucceed(t, "install CRD", kubectl(t, "apply", "-f", crd))
	mustSucceed(t, "wait CRD", kubectl(t, "wait", "--for=condition=Established", "--timeout=60s", "-f", crd))
}

// TestDiffPredictsWhatApplyDoes plans, records the predicted objects,
// applies that very plan, and compares the live objects with the
// prediction, for local and server-side prediction.
func TestDiffPredictsWhatApplyDoes(t *testing.T) {
	for _, mode := range []string{"local", "server"} {
		for _, sc := range diffScenarios() {
			if sc.serverOnly && mode == "local" {
				continue
			}
			t.Run(mode+"/"+sc.name, func(t *testing.T) {
				ns := testcluster.Namespace(t)
				sc.setup(t, ns)
				checkPrediction(t, ns, mode == "server", sc.after...)
			})
		}
	}
}

// checkPrediction plans files in ns, records the predicted objects, applies
// that very plan, and compares the live objects with the prediction. With
// server, every object is predicted by the server.
func checkPrediction(t *testing.T, ns string, server bool, files ...string) {
	t.Helper()
	planner := &diff.Planner{Clients: clientsFor(t, ns), Options: diff.Options{FieldManager: apply.DefaultFieldManager}}
	cs, err := planner.Plan(ctx(t), load(t, files...))
	if err != nil {
		t.Fatal(err)
	}
	if server {
		if err := planner.PredictOnServer(ctx(t), cs); err != nil {
			t.Fatal(err)
		}
	}
	x := &apply.Executor{Planner: planner}
	if _, err := x.Execute(ctx(t), cs); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs.Changes {
		live, err := planner.Resource(c).Get(ctx(t), c.ID.Name, getOpts)
		if err != nil {
			t.Fatal(err)
		}
		want := diff.Normalize(c.Predicted, othersOwn).Object
		got := diff.Normalize(live, othersOwn).Object
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s (%s, checked: %q): live after apply differs from the prediction (-predicted +live):\n%s", c.ID, c.Action, c.Check, d)
		}
	}
}

// TestDiffAgreesWithKubectlDiff checks that converge diff and kubectl diff
// name the same changed objects.
func TestDiffAgreesWithKubectlDiff(t *testing.T) {
	for _, sc := range diffScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			ns := testcluster.Namespace(t)
			sc.setup(t, ns)
			args := []string{"-n", ns}
			for _, f := range sc.after {
				args = append(args, "-f", f)
			}
			k := kubectl(t, append([]string{"diff"}, args...)...)
			c := converge(t, append([]string{"diff", "-o", "json"}, args...)...)
			if k.code > 1 || c.code > 1 {
				t.Fatalf("kubectl diff exit %d (%s), converge diff exit %d (%s)", k.code, k.stderr, c.code, c.stderr)
			}
			if diff := cmp.Diff(kubectlChanged(k.stdout), convergeChanged(t, c.stdout)); diff != "" {
				t.Errorf("changed objects (-kubectl +converge):\n%s", diff)
			}
		})
	}
}

// kubectlChanged returns kind/name of the objects kubectl diff shows, from
// its "diff -u -N LIVE/... MERGED/group.version.Kind.ns.name" lines.
func kubectlChanged(out string) []string {
	var names []string
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "diff -u -N ") {
			continue
		}
		f := strings.Fields(l)
		parts := strings.Split(filepath.Base(f[len(f)-1]), ".")
		names = append(names, parts[len(parts)-3]+"/"+parts[len(parts)-1])
	}
	sort.Strings(names)
	return names
}
