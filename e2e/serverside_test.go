package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/google/go-cmp/cmp"
)

func configMapData(name string, data map[string]string) string {
	s := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n"
	for k, v := range data {
		s += "  " + k + ": \"" + v + "\"\n"
	}
	return s
}

// dataKeys returns the keys of a live ConfigMap.
func dataKeys(t *testing.T, ns, name string) map[string]string {
	t.Helper()
	cm, err := testcluster.Clientset(t).CoreV1().ConfigMaps(ns).Get(ctx(t), name, getOpts)
	if err != nil {
		t.Fatalf("read configmap %s: %v", name, err)
	}
	return cm.Data
}

func rewrite(t *testing.T, dir, file, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestServerSideMigrationRemovesDroppedFields(t *testing.T) {
	tests := []struct {
		name        string
		first, then []string // the apply commands, before and after the field is dropped
	}{
		{name: "converge CSA then SSA", first: []string{"converge", "apply"}, then: []string{"converge", "apply", "--server-side"}},
		{name: "kubectl CSA then converge SSA", first: []string{"kubectl", "apply"}, then: []string{"converge", "apply", "--server-side"}},
		{name: "converge SSA then converge CSA", first: []string{"converge", "apply", "--server-side"}, then: []string{"converge", "apply"}},
		{name: "converge SSA then kubectl CSA", first: []string{"converge", "apply", "--server-side"}, then: []string{"kubectl", "apply"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := testcluster.Namespace(t)
			dir := writeFiles(t, map[string]string{"cm.yaml": configMapData("app", map[string]string{"keep": "1", "drop": "2"})})
			runTool(t, tt.first, ns, dir)
			rewrite(t, dir, "cm.yaml", configMapData("app", map[string]string{"keep": "1"}))
			if tt.then[0] == "converge" {
				checkDropPreviewed(t, tt.then, ns, dir)
			}
			runTool(t, tt.then, ns, dir)
			if d := cmp.Diff(map[string]string{"keep": "1"}, dataKeys(t, ns, "app")); d != "" {
				t.Errorf("data after dropping a key (-want +got):\n%s", d)
			}
			again := runTool(t, tt.then, ns, dir)
			if !strings.Contains(again.stdout, "unchanged") {
				t.Errorf("re-apply: %q, want unchanged", again.stdout)
			}
		})
	}
}

// checkDropPreviewed: the diff of the same mode shows the dropped key go.
func checkDropPreviewed(t *testing.T, apply []string, ns, dir string) {
	t.Helper()
	args := append([]string{"diff"}, apply[2:]...)
	args = append(args, "-n", ns, "-f", dir)
	d := converge(t, args...)
	if d.code != 1 || !strings.Contains(d.stdout, "-  drop:") {
		t.Errorf("converge %s: exit %d, want 1 showing the key drop removed\n%s%s", strings.Join(args, " "), d.code, d.stdout, d.stderr)
	}
}

// runTool runs converge or kubectl with -n ns -f dir appended.
func runTool(t *testing.T, argv []string, ns, dir string) result {
	t.Helper()
	args := append(append([]string(nil), argv[1:]...), "-n", ns, "-f", dir)
	bin := convergeBin
	if argv[0] == "kubectl" {
		bin = "kubectl"
	}
	return mustSucceed(t, strings.Join(args, " "), run(t, "", bin, args...))
}

func TestServerSideConflictsAndForce(t *testing.T) {
	ns := testcluster.Namespace(t)
	theirs := writeFiles(t, map[string]string{"cm.yaml": configMapData("app", map[string]string{"owned": "theirs"})})
	mustSucceed(t, "kubectl apply --server-side", kubectl(t, "apply", "--server-side", "--field-manager", "other-team", "-n", ns, "-f", theirs))
	dir := writeFiles(t, map[string]string{"cm.yaml": configMapData("app", map[string]string{"owned": "ours", "mine": "x"}), "b.yaml": configMapData("b", map[string]string{"k": "v"})})

	d := converge(t, "diff", "--server-side", "-n", ns, "-f", dir)
	if d.code != 2 || !strings.Contains(d.stderr, `conflict with "other-team"`) || !strings.Contains(d.stderr, ".data.owned") {
		t.Errorf("diff --server-side with a conflict: exit %d, want 2 naming the manager and the field\n%s%s", d.code, d.stdout, d.stderr)
	}
	r := converge(t, "apply", "--server-side", "-n", ns, "-f", dir)
	if r.code == 0 || !strings.Contains(r.stderr, `conflict with "other-team"`) || !strings.Contains(r.stderr, ".data.owned") || !strings.Contains(r.stderr, "--force-conflicts") {
		t.Fatalf("apply --server-side with a conflict: exit %d, want a failure naming the manager, the field and --force-conflicts\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := dataKeys(t, ns, "app"); got["owned"] != "theirs" || got["mine"] != "" {
		t.Errorf("conflicting object changed: %v", got)
	}
	d = converge(t, "diff", "--server-side", "--force-conflicts", "-n", ns, "-f", dir)
	if d.code != 1 || !strings.Contains(d.stdout, "+  owned: ours") {
		t.Errorf("diff --server-side --force-conflicts: exit %d, want 1 with the change\n%s%s", d.code, d.stdout, d.stderr)
	}
	r = mustSucceed(t, "apply --force-conflicts", converge(t, "apply", "--server-side", "--force-conflicts", "-n", ns, "-f", dir))
	if d := cmp.Diff([]string{"configmap/app configured", "configmap/b created"}, lines(r.stdout)); d != "" {
		t.Errorf("apply --force-conflicts (-want +got):\n%s", d)
	}
	if got := dataKeys(t, ns, "app"); got["owned"] != "ours" {
		t.Errorf("after --force-conflicts: %v", got)
	}
	before := countRequests(t, writes("configmaps"))
	r = mustSucceed(t, "no-op apply --server-side", converge(t, "apply", "--server-side", "-n", ns, "-f", dir))
	if n := countRequests(t, writes("configmaps")) - before; n != 0 || strings.Count(r.stdout, "unchanged") != 2 {
		t.Errorf("no-op server-side re-apply: %d writes, output %q; want 0 writes, all unchanged", n, r.stdout)
	}
}

func TestOversizedLastAppliedGoesServerSide(t *testing.T) {
	ns := testcluster.Namespace(t)
	big := strings.Repeat("x", 300*1024)
	dir := writeFiles(t, map[string]string{"big.yaml": configMapData("big", map[string]string{"blob": big})})
	r := mustSucceed(t, "apply of a large ConfigMap", converge(t, "apply", "-n", ns, "-f", dir))
	if !strings.Contains(r.stderr, "applied server-side") || !strings.Contains(r.stdout, "configmap/big created") {
		t.Errorf("apply of a large ConfigMap: want a warning and created\n%s%s", r.stdout, r.stderr)
	}
	r = mustSucceed(t, "re-apply", converge(t, "apply", "-n", ns, "-f", dir))
	if !strings.Contains(r.stdout, "configmap/big unchanged") {
		t.Errorf("re-apply of a large ConfigMap: %q, want unchanged", r.stdout)
	}
}

// TestServerSideRefusesAnInvalidNewObject: the server's dry run rejects a
// new object; converge names the reason and applies nothing.
func TestServerSideRefusesAnInvalidNewObject(t *testing.T) {
	ns := testcluster.Namespace(t)
	bad := strings.Replace(webDeployment, "matchLabels: {app: web}", "matchLabels: {app: other}", 1)
	dir := writeFiles(t, map[string]string{"web.yaml": bad, "cm.yaml": configMapYAML("settings")})
	r := converge(t, "apply", "--server-side", "-n", ns, "-f", dir)
	if r.code == 0 || !strings.Contains(r.stderr, "refuses") || strings.Contains(r.stderr, "goroutine") {
		t.Fatalf("apply --server-side of an invalid Deployment: exit %d, want a refusal\n%s", r.code, r.stderr)
	}
	if _, err := testcluster.Clientset(t).CoreV1().ConfigMaps(ns).Get(ctx(t), "settings", getOpts); err == nil {
		t.Error("the valid object of a refused set was applied")
	}
}
