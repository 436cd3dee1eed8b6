package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/google/go-cmp/cmp"
)

func jsonpath(t *testing.T, ns, object, path string) string {
	t.Helper()
	return mustSucceed(t, "kubectl get", kubectl(t, "get", "-n", ns, object, "-o", "jsonpath="+path)).stdout
}

func TestApplyRemovesFieldDroppedFromManifest(t *testing.T) {
	tests := []struct {
		name, before, after, object, path, wantBefore, wantAfter string
	}{
		{
			name:       "configmap data key",
			before:     "configmap-two-keys.yaml",
			after:      "configmap-one-key.yaml",
			object:     "configmap/settings",
			path:       "{.data}",
			wantBefore: `{"color":"blue","size":"large"}`,
			wantAfter:  `{"color":"blue"}`,
		},
		{
			name:       "deployment env var in a keyed list",
			before:     "deployment-two-env.yaml",
			after:      "deployment-one-env.yaml",
			object:     "deployment/web",
			path:       "{.spec.template.spec.containers[0].env[*].name}",
			wantBefore: "A B",
			wantAfter:  "A",
		},
		{
			name:       "deployment label",
			before:     "deployment-two-env.yaml",
			after:      "deployment-one-env.yaml",
			object:     "deployment/web",
			path:       "{.metadata.labels}",
			wantBefore: `{"app":"web","tier":"front"}`,
			wantAfter:  `{"app":"web"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ns := testcluster.Namespace(t)
			mustSucceed(t, "apply before", converge(t, "apply", "-n", ns, "-f", filepath.Join("testdata", tc.before)))
			if got := jsonpath(t, ns, tc.object, tc.path); got != tc.wantBefore {
				t.Fatalf("before: %s = %s, want %s", tc.path, got, tc.wantBefore)
			}
			r := mustSucceed(t, "apply after", converge(t, "apply", "-n", ns, "-f", filepath.Join("testdata", tc.after)))
			if !strings.Contains(r.stdout, "configured") {
				t.Errorf("second apply did not report configured:\n%s", r.stdout)
			}
			if got := jsonpath(t, ns, tc.object, tc.path); got != tc.wantAfter {
				t.Fatalf("after: %s = %s, want %s", tc.path, got, tc.wantAfter)
			}
		})
	}
}

func TestApplyKeepsFieldSetBySomeoneElse(t *testing.T) {
	ns := testcluster.Namespace(t)
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", "testdata/deployment-no-replicas.yaml"))
	mustSucceed(t, "kubectl scale", kubectl(t, "scale", "-n", ns, "deployment/api", "--replicas=3"))
	r := mustSucceed(t, "apply same", converge(t, "apply", "-n", ns, "-f", "testdata/deployment-no-replicas.yaml"))
	if diff := cmp.Diff([]string{"deployment.apps/api unchanged"}, lines(r.stdout)); diff != "" {
		t.Fatalf("re-apply after scale (-want +got):\n%s", diff)
	}
	mustSucceed(t, "apply new image", converge(t, "apply", "-n", ns, "-f", "testdata/deployment-no-replicas-v2.yaml"))
	got := jsonpath(t, ns, "deployment/api", "{.spec.replicas} {.spec.template.spec.containers[0].image}")
	if want := "3 registry.example/api:2"; got != want {
		t.Fatalf("replicas and image = %q, want %q", got, want)
	}
}

func TestApplyClusterScopedAndOrder(t *testing.T) {
	name := "converge-e2e-" + strings.ToLower(strings.ReplaceAll(testcluster.Namespace(t), "t-", ""))
	dir := writeFiles(t, map[string]string{
		// Files sort with the Namespace last: apply order must not follow file order.
		"a-configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: " + name + "\n",
		"b-role.yaml":      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: " + name + "\nrules:\n- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get]\n",
		"z-namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n",
	})
	t.Cleanup(func() {
		kubectl(t, "delete", "namespace", name, "--wait=false")
		kubectl(t, "delete", "clusterrole", name)
	})
	r := mustSucceed(t, "apply", converge(t, "apply", "-f", dir))
	want := "namespace/" + name + " created\nclusterrole.rbac.authorization.k8s.io/" + name + " created\nconfigmap/c created\n"
	if diff := cmp.Diff(want, r.stdout); diff != "" {
		t.Fatalf("apply output, in apply order (-want +got):\n%s", diff)
	}
	r = mustSucceed(t, "apply again", converge(t, "apply", "-f", dir))
	if strings.Count(r.stdout, "unchanged") != 3 {
		t.Fatalf("second apply should leave all three unchanged:\n%s", r.stdout)
	}
	if d := kubectl(t, "diff", "-f", dir); d.code != 0 {
		t.Fatalf("kubectl diff: exit %d\n%s%s", d.code, d.stdout, d.stderr)
	}
}

func TestApplyCustomResourceUsesMergePatch(t *testing.T) {
	ns := testcluster.Namespace(t)
	crd := filepath.Join("testdata", "crd-widgets.yaml")
	mustSucceed(t, "install CRD", kubectl(t, "apply", "-f", crd))
	mustSucceed(t, "wait CRD", kubectl(t, "wait", "--for=condition=Established", "--timeout=60s", "-f", crd))
	mustSucceed(t, "apply CR", converge(t, "apply", "-n", ns, "-f", "testdata/widget-v1.yaml"))
	if got := jsonpath(t, ns, "widget/w", "{.spec}"); got != `{"color":"red","size":3}` {
		t.Fatalf("spec after create = %s", got)
	}
	r := mustSucceed(t, "apply CR v2", converge(t, "apply", "-n", ns, "-f", "testdata/widget-v2.yaml"))
	if diff := cmp.Diff([]string{"widget.example.converge.dev/w configured"}, lines(r.stdout)); diff != "" {
		t.Fatalf("apply v2 (-want +got):\n%s", diff)
	}
	if got := jsonpath(t, ns, "widget/w", "{.spec}"); got != `{"color":"green"}` {
		t.Fatalf("spec after v2 = %s, want size removed and color changed", got)
	}
	k := mustSucceed(t, "kubectl apply CR v2", kubectl(t, "apply", "-n", ns, "-f", "testdata/widget-v2.yaml"))
	if !strings.Contains(k.stdout, "unchanged") {
		t.Fatalf("kubectl apply after converge: %s", k.stdout)
	}
}

func TestApplyInputs(t *testing.T) {
	list, err := os.ReadFile("testdata/list.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string
	}{
		{name: "stdin", args: []string{"-f", "-"}, stdin: string(list), want: []string{"configmap/from-list-a created", "configmap/from-list-b created"}},
		{name: "kind List", args: []string{"-f", "testdata/list.yaml"}, want: []string{"configmap/from-list-a created", "configmap/from-list-b created"}},
		{name: "several -f", args: []string{"-f", "testdata/configmap-one-key.yaml", "-f", "testdata/list.yaml"}, want: []string{"configmap/from-list-a created", "configmap/from-list-b created", "configmap/settings created"}},
		{name: "directory without -R skips subdirectories", args: []string{"-f", "testdata/tree"}, want: []string{"configmap/top created"}},
		{name: "-R recurses, JSON and .yml too", args: []string{"-R", "-f", "testdata/tree"}, want: []string{"configmap/deep-json created", "configmap/deeper created", "configmap/top created"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ns := testcluster.Namespace(t)
			r := mustSucceed(t, "apply", run(t, tc.stdin, convergeBin, append([]string{"apply", "-n", ns}, tc.args...)...))
			if diff := cmp.Diff(tc.want, lines(r.stdout)); diff != "" {
				t.Fatalf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyGenerateNameReportsTheServersName(t *testing.T) {
	ns := testcluster.Namespace(t)
	dir := writeFiles(t, map[string]string{"job.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: run-\ndata:\n  a: b\n"})
	for range 2 {
		r := mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", dir))
		if !strings.HasPrefix(r.stdout, "configmap/run-") || !strings.HasSuffix(r.stdout, " created\n") || r.stdout == "configmap/run- created\n" {
			t.Fatalf("output %q, want configmap/run-XXXXX created", r.stdout)
		}
	}
	got := jsonpath(t, ns, "configmaps", "{range .items[*]}{.metadata.generateName}{\"\\n\"}{end}")
	if strings.Count(got, "run-") != 2 {
		t.Fatalf("want two generated objects, got %q", got)
	}
}
