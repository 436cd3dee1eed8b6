package e2e

import (
	"encoding/base64"
	"strings"
	"testing"
)

// invalidSecret is a Secret whose data and stringData values are all
// invalid, each in its own way.
const invalidSecret = `apiVersion: v1
kind: Secret
metadata:
  name: leaky
stringData:
  password: 12345678
  config:
    user: admin-e2e
    pass: s3cr3t-nested-e2e
data:
  token: "not base64!!"
  count: 987654321
`

// TestValidateNeverPrintsSecretValues validates an invalid Secret with
// validate in every output format, and with apply and diff, which validate
// before sending anything: each must name the keys and the rules broken,
// and print none of the values, plain or base64-encoded.
func TestValidateNeverPrintsSecretValues(t *testing.T) {
	dir := writeFiles(t, map[string]string{"secret.yaml": invalidSecret})
	var forms []string
	for _, s := range []string{"12345678", "admin-e2e", "s3cr3t-nested-e2e", "not base64!!", "987654321"} {
		forms = append(forms, s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawStdEncoding.EncodeToString([]byte(s)))
	}
	shown := []string{
		"stringData.password", "stringData.config", "data.token", "data.count",
		"must be string, got integer", "must be string, got object", "must be base64-encoded",
		"the value of a Secret is never shown",
	}
	check := func(what string, r result) {
		t.Helper()
		out := r.stdout + r.stderr
		if r.code == 0 {
			t.Errorf("%s: exit 0 for an invalid Secret:\n%s", what, out)
		}
		for _, f := range forms {
			if strings.Contains(out, f) {
				t.Errorf("%s printed a secret value (%q):\nstdout:\n%s\nstderr:\n%s", what, f, r.stdout, r.stderr)
			}
		}
		for _, want := range shown {
			if !strings.Contains(out, want) {
				t.Errorf("%s does not say %q:\nstdout:\n%s\nstderr:\n%s", what, want, r.stdout, r.stderr)
			}
		}
	}
	for _, schemas := range []string{"bundled", "cluster"} {
		for _, out := range []string{"text", "json", "junit"} {
			check("validate --schemas="+schemas+" -o "+out, converge(t, "validate", "-f", dir, "--schemas="+schemas, "-o", out))
		}
	}
	apply := converge(t, "apply", "-n", "default", "-f", dir, "--dry-run=server")
	check("apply --dry-run=server", apply)
	if !strings.Contains(apply.stderr, "nothing was applied") {
		t.Errorf("apply of an invalid Secret did not stop before sending it:\n%s", apply.stderr)
	}
	diff := converge(t, "diff", "-n", "default", "-f", dir)
	check("diff", diff)
	if !strings.Contains(diff.stderr, "cannot diff") {
		t.Errorf("diff of an invalid Secret did not stop at validation:\n%s", diff.stderr)
	}
}
