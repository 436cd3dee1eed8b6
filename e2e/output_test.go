package e2e

import (
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

func TestApplyOutputFormats(t *testing.T) {
	ns := testcluster.Namespace(t)
	secret := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: hunter2-very-secret\n"
	dir := writeFiles(t, map[string]string{"cm.yaml": configMapYAML("settings"), "secret.yaml": secret})
	r := mustSucceed(t, "apply -o name", converge(t, "apply", "-n", ns, "-f", dir, "-o", "name"))
	if d := cmp.Diff([]string{"configmap/settings", "secret/creds"}, lines(r.stdout)); d != "" {
		t.Errorf("-o name (-want +got):\n%s", d)
	}
	r = mustSucceed(t, "apply -o yaml", converge(t, "apply", "-n", ns, "-f", dir, "-o", "yaml"))
	var list struct {
		Kind  string
		Items []struct {
			Kind     string
			Metadata struct{ Name, UID string }
		}
	}
	if err := yaml.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("-o yaml: %v\n%s", err, r.stdout)
	}
	if list.Kind != "List" || len(list.Items) != 2 || list.Items[0].Metadata.UID == "" {
		t.Errorf("-o yaml: want a List of the 2 live objects\n%s", r.stdout)
	}
	for _, leak := range []string{"hunter2", "aHVudGVyMi"} {
		if strings.Contains(r.stdout, leak) {
			t.Errorf("-o yaml prints the Secret's value:\n%s", r.stdout)
		}
	}
	if bad := converge(t, "apply", "-n", ns, "-f", dir, "-o", "wide"); bad.code == 0 || !strings.Contains(bad.stderr, "use name, json or yaml") {
		t.Errorf("-o wide: exit %d\n%s", bad.code, bad.stderr)
	}
}
