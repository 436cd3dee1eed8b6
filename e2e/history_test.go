package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convergehq/converge/internal/testcluster"
	"github.com/google/go-cmp/cmp"
)

const (
	flaskImage0 = "quay.io/kubernetes-for-developers/flask:0.1.0"
	flaskImage1 = "quay.io/kubernetes-for-developers/flask:0.1.1"
)

// flaskAt copies examples/flask into a new directory with the flask image
// at tag.
func flaskAt(t *testing.T, image string) string {
	t.Helper()
	files := map[string]string{}
	entries, err := os.ReadDir(flaskDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(flaskDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = strings.ReplaceAll(string(data), flaskImage0, image)
	}
	return writeFiles(t, files)
}

// hasDiffLine reports whether a unified diff removes ("-") or adds ("+")
// a line holding text.
func hasDiffLine(diff, sign, text string) bool {
	for _, l := range strings.Split(diff, "\n") {
		if strings.HasPrefix(l, sign) && strings.TrimSpace(l[1:]) == text {
			return true
		}
	}
	return false
}

func flaskImage(t *testing.T, ns string) string {
	t.Helper()
	return jsonpath(t, ns, "deployment/flask", "{.spec.template.spec.containers[0].image}")
}

// historyRows returns `converge history`'s rows as REVISION → RESULT and
// CHANGE-CAUSE text, read from -o json.
func historyRows(t *testing.T, ns, set string) []string {
	t.Helper()
	r := mustSucceed(t, "converge history", converge(t, "history", "-n", ns, "--applyset", set, "-o", "json"))
	var doc struct {
		Revisions []struct {
			Revision    int    `json:"revision"`
			ChangeCause string `json:"changeCause"`
			Result      string `json:"result"`
			UndoOf      int    `json:"undoOf"`
		} `json:"revisions"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("history -o json: %v\n%s", err, r.stdout)
	}
	var rows []string
	for _, rev := range doc.Revisions {
		row := fmt.Sprintf("%d %s: %s", rev.Revision, rev.Result, rev.ChangeCause)
		if rev.UndoOf != 0 {
			row = fmt.Sprintf("%d undo of %d: %s", rev.Revision, rev.UndoOf, rev.ChangeCause)
		}
		rows = append(rows, row)
	}
	return rows
}

// TestChapter3HistoryAndUndo plays the book's chapter 3 with converge: two
// releases with change-causes, kubectl's rollout history, converge history,
// an undo that rolls the numbers forward and leaves last-applied right.
func TestChapter3HistoryAndUndo(t *testing.T) {
	ns := testcluster.Namespace(t)
	v0, v1 := flaskAt(t, flaskImage0), flaskAt(t, flaskImage1)
	apply := func(dir, cause string) result {
		return mustSucceed(t, "converge apply", converge(t, "apply", "-n", ns, "-f", dir, "--prune", "--applyset", "flask", "--change-cause", cause))
	}
	first := apply(v0, "initial deployment")
	if !strings.Contains(first.stderr, "recorded revision 1 of applyset flask") {
		t.Errorf("the first apply does not say it recorded revision 1:\n%s", first.stderr)
	}
	apply(v1, "deploying image 0.1.1")

	testcluster.Eventually(t, timeout, "kubectl rollout history to show both causes", func(ctxT) (bool, error) {
		h := kubectl(t, "rollout", "history", "-n", ns, "deployment/flask")
		return strings.Contains(h.stdout, "initial deployment") && strings.Contains(h.stdout, "deploying image 0.1.1"), nil
	})
	want := []string{"1 applied: initial deployment", "2 applied: deploying image 0.1.1"}
	if diff := cmp.Diff(want, historyRows(t, ns, "flask")); diff != "" {
		t.Fatalf("converge history (-want +got):\n%s", diff)
	}
	table := mustSucceed(t, "history", converge(t, "history", "-n", ns, "--applyset", "flask")).stdout
	for _, s := range []string{"REVISION", "CHANGE-CAUSE", "deploying image 0.1.1", "local"} {
		if !strings.Contains(table, s) {
			t.Errorf("history table lacks %q:\n%s", s, table)
		}
	}

	undo := mustSucceed(t, "converge undo", converge(t, "undo", "-n", ns, "--applyset", "flask"))
	if !hasDiffLine(undo.stdout, "-", "image: "+flaskImage1) || !strings.Contains(undo.stdout, "deployment.apps/flask configured") {
		t.Errorf("undo does not show the diff, then the apply:\n%s", undo.stdout)
	}
	if got := flaskImage(t, ns); got != flaskImage0 {
		t.Fatalf("after undo the image is %s, want %s", got, flaskImage0)
	}
	want = append(want, "3 undo of 1: initial deployment")
	if diff := cmp.Diff(want, historyRows(t, ns, "flask")); diff != "" {
		t.Fatalf("converge history after undo (-want +got):\n%s", diff)
	}
	if d := kubectl(t, "diff", "-n", ns, "-f", v0); d.code != 0 {
		t.Fatalf("kubectl diff of the 0.1.0 manifests after undo: exit %d\n%s%s", d.code, d.stdout, d.stderr)
	}
	last := mustSucceed(t, "view-last-applied", kubectl(t, "apply", "view-last-applied", "-n", ns, "deployment/flask")).stdout
	if !strings.Contains(last, flaskImage0) {
		t.Errorf("last-applied after undo does not hold revision 1's image:\n%s", last)
	}

	again := apply(v1, "deploying image 0.1.1 again")
	if !strings.Contains(again.stdout, "deployment.apps/flask configured") || flaskImage(t, ns) != flaskImage1 {
		t.Fatalf("applying 0.1.1 after the undo: %s", again.stdout)
	}
	if got := historyRows(t, ns, "flask"); len(got) != 4 {
		t.Errorf("history after the re-apply: %v, want 4 revisions", got)
	}
}

// TestHistoryLimitAndNoOp: a no-op re-apply records nothing, the history
// keeps --history-limit revisions, and an unknown revision lists the kept.
func TestHistoryLimitAndNoOp(t *testing.T) {
	ns := testcluster.Namespace(t)
	for i := 1; i <= 4; i++ {
		dir := writeFiles(t, map[string]string{"cm.yaml": fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {release: \"%d\"}\n", i)})
		mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", dir, "--prune", "--applyset", "app", "--history-limit", "2", "--change-cause", fmt.Sprint("release ", i)))
		if i == 4 {
			noop := mustSucceed(t, "no-op apply", converge(t, "apply", "-n", ns, "-f", dir, "--prune", "--applyset", "app", "--history-limit", "2", "--change-cause", "no-op"))
			if strings.Contains(noop.stderr, "recorded revision") {
				t.Errorf("a no-op apply recorded a revision:\n%s", noop.stderr)
			}
		}
	}
	want := []string{"3 applied: release 3", "4 applied: release 4"}
	if diff := cmp.Diff(want, historyRows(t, ns, "app")); diff != "" {
		t.Fatalf("history with --history-limit 2 (-want +got):\n%s", diff)
	}
	secrets := mustSucceed(t, "kubectl get", kubectl(t, "get", "secrets", "-n", ns, "-l", "converge.dev/revision", "-o", "name")).stdout
	if n := len(lines(secrets)); n != 2 {
		t.Errorf("%d history Secrets kept, want 2:\n%s", n, secrets)
	}
	bad := converge(t, "undo", "-n", ns, "--applyset", "app", "--to-revision", "1")
	if bad.code == 0 || !strings.Contains(bad.stderr, "has no revision 1: the recorded revisions are 3, 4") {
		t.Errorf("undo to a revision no longer kept: exit %d\n%s", bad.code, bad.stderr)
	}

	// A save interrupted after writing a part of revision 5: the next
	// apply takes 6, and the left-over part goes with the trim.
	orphan := fmt.Sprintf("apiVersion: v1\nkind: Secret\nmetadata:\n  name: left-over\n  labels: {converge.dev/applyset-id: %s, converge.dev/revision: \"5\", converge.dev/part: \"1\"}\n", applySetID(t, ns, "app"))
	mustSucceed(t, "create a left-over part", run(t, orphan, "kubectl", "apply", "-n", ns, "-f", "-"))
	dir := writeFiles(t, map[string]string{"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {release: \"6\"}\n"})
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", dir, "--prune", "--applyset", "app", "--history-limit", "2", "--change-cause", "release 6"))
	if diff := cmp.Diff([]string{"4 applied: release 4", "6 applied: release 6"}, historyRows(t, ns, "app")); diff != "" {
		t.Errorf("history after an interrupted save (-want +got):\n%s", diff)
	}
	if r := kubectl(t, "get", "secret", "-n", ns, "left-over"); r.code == 0 {
		t.Error("the left-over part of the interrupted save was not deleted")
	}
}

// TestHistorySplitsALargeSet: a set whose compressed form passes one
// Secret's share is stored across several, and read back whole by undo.
func TestHistorySplitsALargeSet(t *testing.T) {
	ns := testcluster.Namespace(t)
	big := func(release string) string {
		var sb strings.Builder
		for i := range 3 {
			fmt.Fprintf(&sb, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: blob-%d}\ndata:\n  release: %q\n  blob: %s\n", i, release, randomText(t, 600<<10))
		}
		return sb.String()
	}
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", writeFiles(t, map[string]string{"blobs.yaml": big("one")}), "--prune", "--applyset", "blobs"))
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", writeFiles(t, map[string]string{"blobs.yaml": big("two")}), "--prune", "--applyset", "blobs"))
	parts := mustSucceed(t, "kubectl get", kubectl(t, "get", "secrets", "-n", ns, "-l", "converge.dev/revision=1", "-o", "name")).stdout
	if n := len(lines(parts)); n < 2 {
		t.Fatalf("revision 1 is stored in %d Secret(s), want it split:\n%s", n, parts)
	}
	mustSucceed(t, "undo", converge(t, "undo", "-n", ns, "--applyset", "blobs", "--to-revision", "1"))
	for i := range 3 {
		if got := jsonpath(t, ns, fmt.Sprintf("configmap/blob-%d", i), "{.data.release}"); got != "one" {
			t.Errorf("blob-%d after undo holds release %q, want one", i, got)
		}
	}
}

// settingsYAML is configmap/settings with data.v set.
func settingsYAML(v string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {v: \"" + v + "\"}\n"
}

// randomText is n characters that do not compress much.
func randomText(t *testing.T, n int) string {
	t.Helper()
	f, err := os.Open("/dev/urandom")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, n*3/4)
	if _, err := f.Read(buf); err != nil {
		t.Fatal(err)
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[int(buf[i%len(buf)]^byte(i/len(buf)))%len(alphabet)]
	}
	return string(out)
}

// TestHistoryRevisionMasksSecrets: history --revision shows which keys of
// a Secret changed, never a value, in text, JSON and YAML.
func TestHistoryRevisionMasksSecrets(t *testing.T) {
	ns := testcluster.Namespace(t)
	secret := func(v string) string {
		return "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: " + v + "\n  user: admin\n"
	}
	for _, v := range []string{"s3cret-one", "s3cret-two"} {
		mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", writeFiles(t, map[string]string{"s.yaml": secret(v)}), "--prune", "--applyset", "dbset"))
	}
	for _, o := range []string{"", "json", "yaml"} {
		args := []string{"history", "-n", ns, "--applyset", "dbset", "--revision", "2"}
		if o != "" {
			args = append(args, "-o", o)
		}
		out := mustSucceed(t, "history --revision", converge(t, args...)).stdout
		for _, v := range []string{"s3cret-one", "s3cret-two", "czNjcmV0LW9uZQ", "czNjcmV0LXR3bw", "YWRtaW4"} {
			if strings.Contains(out, v) {
				t.Errorf("history -o %q shows a secret value %q:\n%s", o, v, out)
			}
		}
		if !strings.Contains(out, "changed") {
			t.Errorf("history -o %q does not say the password changed:\n%s", o, out)
		}
	}
}

// TestApplyRestoresAfterKubectlRolloutUndo: kubectl rollout undo leaves
// last-applied at the new spec; the next converge diff shows the drift
// and converge apply restores the manifests' pod template.
func TestApplyRestoresAfterKubectlRolloutUndo(t *testing.T) {
	ns := testcluster.Namespace(t)
	v0, v1 := flaskAt(t, flaskImage0), flaskAt(t, flaskImage1)
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", v0, "--prune", "--applyset", "flask"))
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", v1, "--prune", "--applyset", "flask"))
	testcluster.Eventually(t, timeout, "two ReplicaSets of deployment/flask", func(c ctxT) (bool, error) {
		rs, err := testcluster.Clientset(t).AppsV1().ReplicaSets(ns).List(c, listBy("run=flask"))
		return err == nil && len(rs.Items) == 2, err
	})
	mustSucceed(t, "kubectl rollout undo", kubectl(t, "rollout", "undo", "-n", ns, "deployment/flask"))
	if got := flaskImage(t, ns); got != flaskImage0 {
		t.Fatalf("after kubectl rollout undo the image is %s", got)
	}
	d := converge(t, "diff", "-n", ns, "-f", v1, "--prune", "--applyset", "flask")
	if d.code != 1 || !hasDiffLine(d.stdout, "+", "image: "+flaskImage1) {
		t.Fatalf("converge diff after kubectl rollout undo: exit %d, want 1 with the image\n%s%s", d.code, d.stdout, d.stderr)
	}
	r := mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", v1, "--prune", "--applyset", "flask"))
	if !strings.Contains(r.stdout, "deployment.apps/flask configured") || flaskImage(t, ns) != flaskImage1 {
		t.Fatalf("converge apply did not restore the pod template:\n%s", r.stdout)
	}
}

// TestUndoRefusesASetThatNoLongerFits: a recorded custom resource whose
// CRD is gone stops the undo before anything is applied.
func TestUndoRefusesASetThatNoLongerFits(t *testing.T) {
	ns := testcluster.Namespace(t)
	group := "undo-" + ns + ".example.com"
	crd := strings.SplitN(gadgetSet(group, ns, ns+"-x"), "---\n", 4)[3]
	mustSucceed(t, "kubectl apply crd", run(t, crd, "kubectl", "apply", "-f", "-"))
	t.Cleanup(func() { kubectl(t, "delete", "crd", "gadgets."+group, "--ignore-not-found", "--timeout=60s") })
	testcluster.Eventually(t, timeout, "the CRD to be served", func(ctxT) (bool, error) {
		return kubectl(t, "get", "gadgets."+group, "-n", ns).code == 0, nil
	})
	gadget := "apiVersion: " + group + "/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {size: 1}\n"
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", writeFiles(t, map[string]string{"g.yaml": gadget, "cm.yaml": settingsYAML("1")}), "--prune", "--applyset", "app"))
	mustSucceed(t, "apply", converge(t, "apply", "-n", ns, "-f", writeFiles(t, map[string]string{"cm.yaml": settingsYAML("2")}), "--prune", "--applyset", "app"))
	mustSucceed(t, "delete crd", kubectl(t, "delete", "crd", "gadgets."+group, "--timeout=60s"))
	testcluster.Eventually(t, timeout, "the CRD's kind to be served no more", func(ctxT) (bool, error) {
		r := kubectl(t, "api-resources", "--api-group", group, "-o", "name")
		return kubectl(t, "get", "crd", "gadgets."+group).code != 0 && r.code == 0 && strings.TrimSpace(r.stdout) == "", nil
	})
	r := converge(t, "undo", "-n", ns, "--applyset", "app")
	if r.code == 0 || !strings.Contains(r.stderr, "nothing was applied") || !strings.Contains(r.stderr, "revision 1: ") || !strings.Contains(r.stderr, "g.yaml") {
		t.Fatalf("undo of a set whose CRD is gone: exit %d\n%s", r.code, r.stderr)
	}
	if got := jsonpath(t, ns, "configmap/settings", "{.data.v}"); got != "2" {
		t.Errorf("the refused undo changed configmap/settings to %q", got)
	}
}
