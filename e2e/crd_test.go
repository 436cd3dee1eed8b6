package e2e

import (
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/google/go-cmp/cmp"
)

// gadgetSet is a Namespace, a CRD and two of its custom resources, one of
// them in the new namespace: none of them exist before the apply.
func gadgetSet(group, home, ns string) string {
	return `apiVersion: v1
kind: Namespace
metadata:
  name: ` + ns + `
---
apiVersion: ` + group + `/v1
kind: Gadget
metadata:
  name: first
  namespace: ` + home + `
spec:
  size: 3
---
apiVersion: ` + group + `/v1
kind: Gadget
metadata:
  name: second
  namespace: ` + ns + `
spec:
  size: 5
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.` + group + `
spec:
  group: ` + group + `
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget, listKind: GadgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
`
}

func TestCRDAndCustomResourcesInOneApply(t *testing.T) {
	for _, mode := range []string{"client-side", "server-side"} {
		t.Run(mode, func(t *testing.T) {
			ns := testcluster.Namespace(t)
			group := ns + ".example.com"
			extra := ns + "-gadgets"
			t.Cleanup(func() {
				kubectl(t, "delete", "namespace", extra, "--wait=false")
				kubectl(t, "delete", "crd", "gadgets."+group, "--timeout=60s")
			})
			dir := writeFiles(t, map[string]string{"all.yaml": gadgetSet(group, ns, extra)})
			// In the default namespace, as the objects name theirs.
			args := []string{"-f", dir, "--prune", "--applyset", "gadgets-" + ns}
			if mode == "server-side" {
				args = append(args, "--server-side")
			}
			t.Cleanup(func() { kubectl(t, "delete", "secret", "gadgets-"+ns, "-n", "default") })
			d := converge(t, append([]string{"diff"}, args...)...)
			if d.code != 1 || strings.Count(d.stdout, "(create)") != 4 {
				t.Fatalf("diff of a CRD with its custom resources: exit %d, want 1 with 4 creates\n%s%s", d.code, d.stdout, d.stderr)
			}
			r := mustSucceed(t, "apply", converge(t, append([]string{"apply"}, args...)...))
			want := []string{
				"customresourcedefinition.apiextensions.k8s.io/gadgets." + group + " created",
				"gadget." + group + "/first created",
				"gadget." + group + "/second created",
				"namespace/" + extra + " created",
			}
			if d := cmp.Diff(want, lines(r.stdout)); d != "" {
				t.Errorf("apply (-want +got):\n%s", d)
			}
			got := mustSucceed(t, "kubectl get", kubectl(t, "get", "gadgets."+group, "-A", "-o", "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}={.spec.size} {end}"))
			if g := strings.TrimSpace(got.stdout); g != extra+"/second=5 "+ns+"/first=3" && g != ns+"/first=3 "+extra+"/second=5" {
				t.Errorf("custom resources: %q", g)
			}
			r = mustSucceed(t, "re-apply", converge(t, append([]string{"apply"}, args...)...))
			if strings.Count(r.stdout, "unchanged") != 4 {
				t.Errorf("re-apply: %q, want 4 unchanged", r.stdout)
			}
			la := mustSucceed(t, "kubectl get", kubectl(t, "get", "gadgets."+group, "first", "-n", ns, "-o", "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}"))
			if strings.Contains(la.stdout, "applyset") {
				t.Errorf("a custom resource planned again after its CRD holds the part-of label in last-applied: %s", la.stdout)
			}
		})
	}
}
