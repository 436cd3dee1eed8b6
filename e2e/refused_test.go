package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
)

const refusedDir = "testdata/refused/"

// TestRefusedChangeStopsTheWholeSet changes a Deployment's immutable
// selector next to a ConfigMap's real change: diff marks the Deployment
// refused with the server's reason and exits 2, and apply refuses the whole
// set before its first write.
func TestRefusedChangeStopsTheWholeSet(t *testing.T) {
	ns := testcluster.Namespace(t)
	mustSucceed(t, "apply v1", converge(t, "apply", "-n", ns, "-f", refusedDir+"v1.yaml"))
	next := refusedDir + "immutable-selector.yaml"

	d := converge(t, "diff", "-n", ns, "-f", next)
	if d.code != 2 {
		t.Fatalf("diff of an immutable change: exit %d, want 2\n%s%s", d.code, d.stdout, d.stderr)
	}
	for _, want := range []string{"apps/Deployment " + ns + "/web (refused)", "refused by the server: spec.selector", "field is immutable", "--force", "1 refused by the server"} {
		if !strings.Contains(d.stdout, want) {
			t.Errorf("diff output lacks %q:\n%s", want, d.stdout)
		}
	}

	a := converge(t, "apply", "-n", ns, "-f", next)
	if a.code == 0 {
		t.Fatalf("apply of an immutable change succeeded:\n%s", a.stdout)
	}
	for _, want := range []string{"nothing was applied", "deployment.apps/web (ns " + ns + ")", "spec.selector", "field is immutable", "pass --force"} {
		if !strings.Contains(a.stderr, want) {
			t.Errorf("apply error lacks %q:\n%s", want, a.stderr)
		}
	}
	if a.stdout != "" {
		t.Errorf("apply printed results although nothing may be applied:\n%s", a.stdout)
	}
	if got := configMapValue(t, ns, "settings", "mode"); got != "blue" {
		t.Errorf("configmap/settings mode = %q after a refused apply, want blue (nothing applied)", got)
	}
}

// TestForceReplacesImmutableChanges deletes and re-creates objects whose
// immutable fields change: a Deployment's selector and a Job's template.
func TestForceReplacesImmutableChanges(t *testing.T) {
	for _, tc := range []struct{ file, object, kind, name string }{
		{file: "immutable-selector.yaml", object: "deployment.apps/web", kind: "deployments.apps", name: "web"},
		{file: "immutable-job-template.yaml", object: "job.batch/migrate", kind: "jobs.batch", name: "migrate"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			ns := testcluster.Namespace(t)
			mustSucceed(t, "apply v1", converge(t, "apply", "-n", ns, "-f", refusedDir+"v1.yaml"))
			oldUID := uidOf(t, ns, tc.kind, tc.name)
			next := refusedDir + tc.file

			d := converge(t, "diff", "--force", "-o", "json", "-n", ns, "-f", next)
			if d.code != 1 {
				t.Fatalf("diff --force: exit %d, want 1\n%s%s", d.code, d.stdout, d.stderr)
			}
			if got := actionOf(t, d.stdout, tc.name, strings.Split(tc.object, "/")[0]); got != "replace" {
				t.Errorf("diff --force action of %s = %q, want replace\n%s", tc.object, got, d.stdout)
			}

			a := mustSucceed(t, "apply --force", converge(t, "apply", "--force", "-n", ns, "-f", next))
			if !strings.Contains(a.stdout, tc.object+" replaced\n") {
				t.Errorf("apply --force output lacks %q:\n%s", tc.object+" replaced", a.stdout)
			}
			if uidOf(t, ns, tc.kind, tc.name) == oldUID {
				t.Errorf("%s keeps its uid after apply --force; want a new object", tc.object)
			}
			if d := converge(t, "diff", "-n", ns, "-f", next); d.code != 0 {
				t.Errorf("diff after apply --force: exit %d, want 0\n%s%s", d.code, d.stdout, d.stderr)
			}
		})
	}
}

// TestSemanticRejectionIsRefusedEvenWithForce sends a Service targetPort
// the server's validation rejects (a string that is no port name): diff
// exits 2 with the reason, and apply refuses, with --force too, since the
// object is invalid as a new object as well.
func TestSemanticRejectionIsRefusedEvenWithForce(t *testing.T) {
	ns := testcluster.Namespace(t)
	mustSucceed(t, "apply v1", converge(t, "apply", "-n", ns, "-f", refusedDir+"v1.yaml"))
	next := refusedDir + "semantic-targetport.yaml"

	d := converge(t, "diff", "--force", "-n", ns, "-f", next)
	if d.code != 2 || !strings.Contains(d.stdout, "targetPort") || !strings.Contains(d.stdout, "fix the manifest") {
		t.Errorf("diff --force of a rejected value: exit %d, want 2 with the targetPort reason\n%s%s", d.code, d.stdout, d.stderr)
	}
	for _, force := range []bool{false, true} {
		args := []string{"apply", "-n", ns, "-f", next}
		if force {
			args = append(args, "--force")
		}
		a := converge(t, args...)
		if a.code == 0 || !strings.Contains(a.stderr, "service/web") || !strings.Contains(a.stderr, "targetPort") || !strings.Contains(a.stderr, "fix the manifest") {
			t.Errorf("apply (force %t) of a rejected value: exit %d, want a failure naming service/web and targetPort\n%s", force, a.code, a.stderr)
		}
	}
	if got := configMapValue(t, ns, "settings", "mode"); got != "blue" {
		t.Errorf("configmap/settings mode = %q after a refused apply, want blue (nothing applied)", got)
	}
}

func configMapValue(t *testing.T, ns, name, key string) string {
	t.Helper()
	cm, err := testcluster.Clientset(t).CoreV1().ConfigMaps(ns).Get(ctx(t), name, getOpts)
	if err != nil {
		t.Fatal(err)
	}
	return cm.Data[key]
}

func uidOf(t *testing.T, ns, resource, name string) string {
	t.Helper()
	r := mustSucceed(t, "kubectl get", kubectl(t, "get", "-n", ns, resource, name, "-o", "jsonpath={.metadata.uid}"))
	return r.stdout
}

// actionOf returns the action converge diff -o json gives the object of
// that name and kind (lower-case kind.group, as kubectl prints it).
func actionOf(t *testing.T, out, name, kindGroup string) string {
	t.Helper()
	var doc struct {
		Changes []struct{ Group, Kind, Name, Action string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("parse diff -o json: %v\n%s", err, out)
	}
	var seen []string
	for _, c := range doc.Changes {
		kg := strings.ToLower(c.Kind)
		if c.Group != "" {
			kg += "." + c.Group
		}
		if kg == kindGroup && c.Name == name {
			return c.Action
		}
		seen = append(seen, kg+"/"+c.Name)
	}
	t.Errorf("%s/%s not in the diff; it has %s", kindGroup, name, strings.Join(seen, ", "))
	return ""
}
