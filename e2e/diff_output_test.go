package e2e

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
)

func convergeChanged(t *testing.T, out string) []string {
	t.Helper()
	var r struct {
		Changes []struct{ Kind, Name string } `json:"changes"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("converge diff -o json: %v\n%s", err, out)
	}
	var names []string
	for _, c := range r.Changes {
		names = append(names, c.Kind+"/"+c.Name)
	}
	sort.Strings(names)
	return names
}

func TestDiffExitCodesAndSummary(t *testing.T) {
	ns := testcluster.Namespace(t)
	r := converge(t, "diff", "-n", ns, "-f", flaskDir)
	if r.code != 1 || !strings.Contains(r.stdout, "5 to create, 0 to update, 0 unchanged") {
		t.Fatalf("diff before apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "apps/Deployment "+ns+"/flask (create)") {
		t.Errorf("no group/kind namespace/name header:\n%s", r.stdout)
	}
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", flaskDir))
	r = converge(t, "diff", "-n", ns, "-f", flaskDir)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "0 to create, 0 to update, 5 unchanged" {
		t.Fatalf("diff after apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = converge(t, "diff", "-n", ns, "-f", "testdata/nope.yaml")
	if r.code < 2 {
		t.Fatalf("diff of a missing file: exit %d, want >1", r.code)
	}
	mustSucceed(t, "kubectl scale", kubectl(t, "scale", "-n", ns, "deployment/flask", "--replicas=3"))
	r = converge(t, "diff", "-n", ns, "-f", flaskDir)
	if r.code != 1 || !strings.Contains(r.stdout, "replicas: 1") {
		t.Fatalf("diff after scale: exit %d\n%s", r.code, r.stdout)
	}
	r = converge(t, "diff", "-n", ns, "-f", flaskDir, "--ignore", "Deployment:spec.replicas")
	if r.code != 0 {
		t.Fatalf("diff with --ignore spec.replicas: exit %d\n%s", r.code, r.stdout)
	}
}

// TestDiffNeverPrintsSecretValues puts known secret values through every
// output format, the external differ and an apply, and searches stdout and
// stderr for them, plain and encoded.
func TestDiffNeverPrintsSecretValues(t *testing.T) {
	ns := testcluster.Namespace(t)
	secrets := []string{"correct-horse-battery", "Tr0ub4dor-and-3", "admin"}
	var forms []string
	for _, s := range secrets[:2] {
		forms = append(forms, s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawStdEncoding.EncodeToString([]byte(s)), base64.URLEncoding.EncodeToString([]byte(s)))
	}
	check := func(what string, r result) {
		t.Helper()
		for _, f := range forms {
			if strings.Contains(r.stdout, f) || strings.Contains(r.stderr, f) {
				t.Errorf("%s printed a secret value (%q):\nstdout:\n%s\nstderr:\n%s", what, f, r.stdout, r.stderr)
			}
		}
	}
	v1, v2 := "testdata/diff/secret-v1.yaml", "testdata/diff/secret-v2.yaml"
	check("diff of a new secret", converge(t, "diff", "-n", ns, "-f", v1))
	check("apply", mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", v1)))
	for _, out := range []string{"text", "json", "markdown"} {
		r := converge(t, "diff", "-n", ns, "-f", v2, "-o", out)
		if r.code != 1 || !strings.Contains(r.stdout, "password") {
			t.Errorf("-o %s: exit %d, want the changed key named:\n%s%s", out, r.code, r.stdout, r.stderr)
		}
		check("diff -o "+out, r)
		check("diff -o "+out+" --server-side-dry-run", converge(t, "diff", "-n", ns, "-f", v2, "-o", out, "--server-side-dry-run"))
	}
	t.Setenv("KUBECTL_EXTERNAL_DIFF", "diff -u -N")
	r := converge(t, "diff", "-n", ns, "-f", v2)
	if r.code != 1 || !strings.Contains(r.stdout, "<secret: 15 bytes, changed>") {
		t.Errorf("external differ: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	check("external differ", r)
	os.Unsetenv("KUBECTL_EXTERNAL_DIFF")
	check("apply v2", mustSucceed(t, "apply v2", converge(t, "apply", "-n", ns, "-f", v2)))
	r = converge(t, "diff", "-n", ns, "-f", v2)
	if r.code != 0 {
		t.Errorf("a Secret written with stringData shows a diff after apply: exit %d\n%s", r.code, r.stdout)
	}
}
