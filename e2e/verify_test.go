package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

const helmStatefulSet = "testdata/verify/statefulset.yaml"

// TestServerVerdictsAreRemembered re-applies and diffs a StatefulSet whose
// unchanged manifest only the server can tell apart from a change: the
// first diff asks the server once, and every later diff and apply of the
// same live object takes the remembered verdict, with no dry run and no
// write.
func TestServerVerdictsAreRemembered(t *testing.T) {
	ns := testcluster.Namespace(t)
	cache := []string{"XDG_CACHE_HOME=" + t.TempDir()}
	mustSucceed(t, "apply", runEnv(t, cache, "", convergeBin, "apply", "-n", ns, "-f", helmStatefulSet))
	waitSettled(t, ns, helmStatefulSet)

	steps := []struct {
		// before changes the live object first, with kubectl.
		before       []string
		args         []string
		wantDryRuns  int
		wantOutput   string
		wantExitCode int
	}{
		{args: []string{"diff"}, wantDryRuns: 1, wantOutput: "0 to create, 0 to update, 1 unchanged"},
		{args: []string{"diff"}, wantDryRuns: 0, wantOutput: "0 to create, 0 to update, 1 unchanged"},
		{args: []string{"apply"}, wantDryRuns: 0, wantOutput: "statefulset.apps/db unchanged"},
		// A new resourceVersion is a new question.
		{before: []string{"label", "statefulset/db", "team=data"}, args: []string{"diff"}, wantDryRuns: 1, wantOutput: "0 to create, 0 to update, 1 unchanged"},
		// Drift in a field of the manifest is never hidden by the memo.
		{before: []string{"set", "image", "statefulset/db", "db=registry.example/db:2"}, args: []string{"diff"}, wantDryRuns: 1, wantOutput: "0 to create, 1 to update, 0 unchanged", wantExitCode: 1},
	}
	for i, s := range steps {
		if s.before != nil {
			mustSucceed(t, "kubectl "+s.before[0], kubectl(t, append(s.before, "-n", ns)...))
		}
		dry, w := countRequests(t, dryRuns("statefulsets")), countRequests(t, writes("statefulsets"))
		r := runEnv(t, cache, "", convergeBin, append(s.args, "-n", ns, "-f", helmStatefulSet)...)
		if r.code != s.wantExitCode || !strings.Contains(r.stdout, s.wantOutput) {
			t.Errorf("step %d, converge %s: exit %d, want %d with %q\n%s%s", i, s.args[0], r.code, s.wantExitCode, s.wantOutput, r.stdout, r.stderr)
		}
		if n := countRequests(t, dryRuns("statefulsets")) - dry; n != s.wantDryRuns {
			t.Errorf("step %d, converge %s: %d dry run(s), want %d", i, s.args[0], n, s.wantDryRuns)
		}
		if n := countRequests(t, writes("statefulsets")) - w; n != 0 {
			t.Errorf("step %d, converge %s: %d write(s), want 0", i, s.args[0], n)
		}
		if k := kubectl(t, "diff", "-n", ns, "-f", helmStatefulSet); k.code != s.wantExitCode {
			t.Errorf("step %d: kubectl diff exit %d, want %d, as converge\n%s", i, k.code, s.wantExitCode, k.stdout)
		}
	}
}

// TestUnverifiableChangesFallBackWithAWarning diffs as a user who may read
// but not patch: the server refuses the dry run itself, so the local
// prediction stands and a warning names the object it could not verify.
func TestUnverifiableChangesFallBackWithAWarning(t *testing.T) {
	ns := testcluster.Namespace(t)
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", helmStatefulSet))
	reader := readOnlyKubeconfig(t, ns)

	r := runEnv(t, []string{"XDG_CACHE_HOME=" + t.TempDir()}, "", convergeBin, "diff", "--kubeconfig", reader, "-n", ns, "-f", helmStatefulSet)
	if r.code != 1 {
		t.Fatalf("diff as a reader: exit %d, want 1 (the local prediction)\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"could not be verified with a server dry run", "statefulset.apps/db (ns " + ns + ")", "forbidden"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("warning lacks %q:\n%s", want, r.stderr)
		}
	}
}

// readOnlyKubeconfig writes a kubeconfig for a ServiceAccount of ns that
// may get, list and watch StatefulSets, and nothing else.
func readOnlyKubeconfig(t *testing.T, ns string) string {
	t.Helper()
	return roleKubeconfig(t, ns, "reader", []string{"--verb=get,list,watch", "--resource=statefulsets.apps"})
}

// roleKubeconfig writes a kubeconfig for a ServiceAccount name of ns bound
// to one Role per rule, each rule being kubectl create role's flags.
func roleKubeconfig(t *testing.T, ns, name string, rules ...[]string) string {
	t.Helper()
	cmds := [][]string{{"create", "serviceaccount", name}}
	for i, r := range rules {
		role := fmt.Sprintf("%s-%d", name, i)
		cmds = append(cmds, append([]string{"create", "role", role}, r...),
			[]string{"create", "rolebinding", role, "--role=" + role, "--serviceaccount=" + ns + ":" + name})
	}
	for _, args := range cmds {
		mustSucceed(t, "kubectl "+strings.Join(args, " "), kubectl(t, append(args, "-n", ns)...))
	}
	token := strings.TrimSpace(mustSucceed(t, "kubectl create token", kubectl(t, "create", "token", name, "-n", ns, "--duration=10m")).stdout)
	admin, err := clientcmd.LoadFromFile(testcluster.Kubeconfig())
	if err != nil {
		t.Fatal(err)
	}
	cluster := admin.Clusters[admin.Contexts[admin.CurrentContext].Cluster]
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["local"] = cluster
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: "local", AuthInfo: name, Namespace: ns}
	cfg.CurrentContext = name
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}
