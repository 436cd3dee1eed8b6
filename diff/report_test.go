package diff

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// asApplied returns obj as the cluster holds it after an apply: with its
// last-applied annotation and the fields the server sets.
func asApplied(t *testing.T, obj *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	live, err := withLastApplied(obj)
	if err != nil {
		t.Fatal(err)
	}
	live.SetUID("3f1c2a4e-0000-4000-8000-000000000002")
	live.SetResourceVersion("1234")
	live.SetGeneration(2)
	_ = unstructured.SetNestedField(live.Object, "2024-05-01T10:00:00Z", "metadata", "creationTimestamp")
	_ = unstructured.SetNestedSlice(live.Object, []any{map[string]any{"manager": "kubectl-client-side-apply", "operation": "Update"}}, "metadata", "managedFields")
	if obj.GetKind() == "Deployment" {
		_ = unstructured.SetNestedMap(live.Object, map[string]any{"observedGeneration": int64(2), "replicas": int64(2)}, "status")
	}
	return live
}

// idOf returns the ObjectID of obj.
func idOf(obj *unstructured.Unstructured) manifests.ObjectID {
	return manifests.ObjectID{Group: obj.GroupVersionKind().Group, Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName()}
}

// createChange plans the creation of desired, as Planner.PlanObject does.
func createChange(t *testing.T, file string, desired *unstructured.Unstructured) Change {
	t.Helper()
	d, err := withLastApplied(desired)
	if err != nil {
		t.Fatal(err)
	}
	return Change{ID: idOf(desired), Origin: manifests.Origin{File: file, Line: 1}, Action: ActionCreate, Desired: d, Predicted: d}
}

// updateChange is a change from the applied object old to the applied
// object new, with the given action.
func updateChange(t *testing.T, file string, action Action, old, new *unstructured.Unstructured) Change {
	t.Helper()
	live, predicted := asApplied(t, old), asApplied(t, new)
	if action == ActionUnchanged {
		predicted = live
	}
	return Change{ID: idOf(new), Origin: manifests.Origin{File: file, Line: 1}, Action: action, Live: live, Predicted: predicted}
}

func testDeployment(name string, replicas int64, image string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]any{"name": name, "namespace": "shop", "labels": map[string]any{"app": name}},
		"spec": map[string]any{
			"replicas": replicas,
			"selector": map[string]any{"matchLabels": map[string]any{"app": name}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": name}},
				"spec": map[string]any{"containers": []any{
					map[string]any{"name": "web", "image": image},
				}},
			},
		},
	}}
}

func shopConfigMap(name string, data map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata":   map[string]any{"name": name, "namespace": "shop"},
		"data":       data,
	}}
}

// shopSecret is Secret shop/NAME with data (plain values, stored base64)
// and stringData.
func shopSecret(name string, data, stringData map[string]string) *unstructured.Unstructured {
	u := secretObj(data, stringData, nil)
	u.SetName(name)
	return u
}

// reportIgnore are the --ignore rules of reportChangeSet.
var reportIgnore = []IgnoreRule{{Kind: "Deployment", Path: []string{"spec", "replicas"}}}

// reportChangeSet plans, with reportIgnore: one create, two updates and
// three unchanged objects, one of them a Secret, one configured only in an
// ignored field and one configured only in fields a diff hides.
func reportChangeSet(t *testing.T) ChangeSet {
	t.Helper()
	dbOld := shopSecret("db", map[string]string{"password": secretPassword, "token": secretToken, "legacy": secretRemoved}, nil)
	// The new password is written as stringData, as people do.
	dbNew := shopSecret("db", map[string]string{"token": secretToken2, "api-key": secretAdded}, map[string]string{"password": secretPassword2})
	flags := shopConfigMap("flags", map[string]any{"beta": "true"})
	flagsLive := asApplied(t, flags)
	flagsPredicted := flagsLive.DeepCopy()
	flagsPredicted.SetResourceVersion("1235")
	anns := flagsPredicted.GetAnnotations()
	anns[LastAppliedAnnotation] = `{"apiVersion":"v1","data":{"beta":"true"},"kind":"ConfigMap","metadata":{"annotations":{},"labels":{},"name":"flags","namespace":"shop"}}` + "\n"
	flagsPredicted.SetAnnotations(anns)
	return ChangeSet{Changes: []Change{
		createChange(t, "config/settings.yaml", shopConfigMap("settings", map[string]any{"color": "blue"})),
		updateChange(t, "deploy/web.yaml", ActionConfigure, testDeployment("web", 2, "registry.example/web:1.0"), testDeployment("web", 2, "registry.example/web:1.1")),
		updateChange(t, "secrets/db.yaml", ActionConfigure, dbOld, dbNew),
		updateChange(t, "secrets/tls.yaml", ActionUnchanged,
			shopSecret("tls", map[string]string{"key": secretAnnotation}, nil), shopSecret("tls", map[string]string{"key": secretAnnotation}, nil)),
		// Only spec.replicas, which reportIgnore hides, changes.
		updateChange(t, "deploy/api.yaml", ActionConfigure, testDeployment("api", 3, "registry.example/api:2.0"), testDeployment("api", 5, "registry.example/api:2.0")),
		// Only the last-applied annotation and resourceVersion change.
		{ID: idOf(flags), Origin: manifests.Origin{File: "config/flags.yaml", Line: 1}, Action: ActionConfigure, Live: flagsLive, Predicted: flagsPredicted},
	}}
}

func TestEntryHeader(t *testing.T) {
	tests := []struct {
		name string
		id   manifests.ObjectID
		want string
	}{
		{name: "apps group", id: manifests.ObjectID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"}, want: "apps/Deployment shop/web"},
		{name: "core group", id: manifests.ObjectID{Kind: "ConfigMap", Namespace: "shop", Name: "settings"}, want: "core/ConfigMap shop/settings"},
		{name: "cluster-scoped", id: manifests.ObjectID{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "admin"}, want: "rbac.authorization.k8s.io/ClusterRole admin"},
		{name: "core cluster-scoped", id: manifests.ObjectID{Kind: "Namespace", Name: "shop"}, want: "core/Namespace shop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Entry{ID: tt.id}.Header()); diff != "" {
				t.Errorf("Header (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewReport(t *testing.T) {
	cs := reportChangeSet(t)
	before := make([]*unstructured.Unstructured, 0, 2*len(cs.Changes))
	for _, c := range cs.Changes {
		if c.Live != nil {
			before = append(before, c.Live.DeepCopy())
		}
		before = append(before, c.Predicted.DeepCopy())
	}
	r := NewReport(cs, reportIgnore)

	type summary struct {
		Create, Update, Unchanged int
		Summary                   string
		HasChanges                bool
	}
	if diff := cmp.Diff(summary{1, 2, 3, "1 to create, 2 to update, 3 unchanged", true},
		summary{r.Create, r.Update, r.Unchanged, r.Summary(), r.HasChanges()}); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	type entry struct {
		Header string
		Action Action
		Origin string
		Fields []string
	}
	var got []entry
	for _, e := range r.Entries {
		var fields []string
		for _, f := range e.Fields {
			fields = append(fields, string(f.Op)+" "+f.Path)
		}
		got = append(got, entry{e.Header(), e.Action, e.Origin.String(), fields})
	}
	want := []entry{
		{Header: "core/ConfigMap shop/settings", Action: ActionCreate, Origin: "config/settings.yaml:1"},
		{Header: "apps/Deployment shop/web", Action: ActionConfigure, Origin: "deploy/web.yaml:1",
			Fields: []string{"replace spec.template.spec.containers[0].image"}},
		{Header: "core/Secret shop/db", Action: ActionConfigure, Origin: "secrets/db.yaml:1",
			Fields: []string{"add data.api-key", "remove data.legacy", "replace data.password", "replace data.token"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}

	// Entries are normalised: no server-owned field, no last-applied
	// annotation, and no ignored field.
	for _, e := range r.Entries {
		for _, u := range []*unstructured.Unstructured{e.Before, e.After} {
			if u == nil {
				continue
			}
			for _, f := range [][]string{{"metadata", "uid"}, {"metadata", "resourceVersion"}, {"metadata", "managedFields"},
				{"metadata", "generation"}, {"metadata", "creationTimestamp"}, {"status"}, {"metadata", "annotations"}} {
				if _, found, _ := unstructured.NestedFieldNoCopy(u.Object, f...); found {
					t.Errorf("%s still has %s", e.Header(), strings.Join(f, "."))
				}
			}
			if e.ID.Kind == "Deployment" {
				if _, found, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "replicas"); found {
					t.Errorf("%s still has the ignored spec.replicas", e.Header())
				}
			}
		}
	}

	// The change set itself is left as it was.
	var after []*unstructured.Unstructured
	for _, c := range cs.Changes {
		if c.Live != nil {
			after = append(after, c.Live)
		}
		after = append(after, c.Predicted)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("NewReport changed the change set (-want +got):\n%s", diff)
	}
}

func TestNewReportIgnoredOnlyCountsUnchanged(t *testing.T) {
	change := updateChange(t, "deploy/api.yaml", ActionConfigure,
		testDeployment("api", 3, "registry.example/api:2.0"), testDeployment("api", 5, "registry.example/api:2.0"))
	tests := []struct {
		name   string
		ignore []IgnoreRule
		want   string
	}{
		{name: "not ignored", want: "0 to create, 1 to update, 0 unchanged"},
		{name: "ignored for its kind", ignore: []IgnoreRule{{Kind: "Deployment", Path: []string{"spec", "replicas"}}}, want: "0 to create, 0 to update, 1 unchanged"},
		{name: "ignored for all kinds", ignore: []IgnoreRule{{Path: []string{"spec", "replicas"}}}, want: "0 to create, 0 to update, 1 unchanged"},
		{name: "ignored for another kind", ignore: []IgnoreRule{{Kind: "StatefulSet", Path: []string{"spec", "replicas"}}}, want: "0 to create, 1 to update, 0 unchanged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReport(ChangeSet{Changes: []Change{change}}, tt.ignore)
			if diff := cmp.Diff(tt.want, r.Summary()); diff != "" {
				t.Errorf("Summary (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewReportEmpty(t *testing.T) {
	r := NewReport(ChangeSet{}, nil)
	if diff := cmp.Diff("0 to create, 0 to update, 0 unchanged", r.Summary()); diff != "" {
		t.Errorf("Summary (-want +got):\n%s", diff)
	}
	if r.HasChanges() {
		t.Errorf("HasChanges() = true for an empty change set")
	}
	var buf bytes.Buffer
	if err := r.WriteText(&buf, false); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("0 to create, 0 to update, 0 unchanged\n", buf.String()); diff != "" {
		t.Errorf("WriteText (-want +got):\n%s", diff)
	}
}

// wantReportText is WriteText of reportChangeSet without colour.
const wantReportText = `core/ConfigMap shop/settings (create) from config/settings.yaml:1
--- /dev/null
+++ predicted/core/ConfigMap shop/settings
@@ -0,0 +1,7 @@
+apiVersion: v1
+data:
+  color: blue
+kind: ConfigMap
+metadata:
+  name: settings
+  namespace: shop

apps/Deployment shop/web (update) from deploy/web.yaml:1
--- live/apps/Deployment shop/web
+++ predicted/apps/Deployment shop/web
@@ -15,5 +15,5 @@
         app: web
     spec:
       containers:
-      - image: registry.example/web:1.0
+      - image: registry.example/web:1.1
         name: web

core/Secret shop/db (update) from secrets/db.yaml:1
--- live/core/Secret shop/db
+++ predicted/core/Secret shop/db
@@ -1,8 +1,8 @@
 apiVersion: v1
 data:
-  legacy: '<secret: 19 bytes>'
-  password: '<secret: 13 bytes>'
-  token: '<secret: 28 bytes>'
+  api-key: '<secret: 17 bytes>'
+  password: '<secret: 13 bytes, changed>'
+  token: '<secret: 44 bytes, changed>'
 kind: Secret
 metadata:
   name: db

1 to create, 2 to update, 3 unchanged
`

func TestWriteText(t *testing.T) {
	r := NewReport(reportChangeSet(t), reportIgnore)
	var buf bytes.Buffer
	if err := r.WriteText(&buf, false); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantReportText, buf.String()); diff != "" {
		t.Errorf("WriteText (-want +got):\n%s", diff)
	}
	if strings.Contains(buf.String(), "\x1b[") {
		t.Errorf("WriteText without colour has escape sequences")
	}
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func TestWriteTextColor(t *testing.T) {
	r := NewReport(reportChangeSet(t), reportIgnore)
	var buf bytes.Buffer
	if err := r.WriteText(&buf, true); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	if diff := cmp.Diff(wantReportText, ansi.ReplaceAllString(got, "")); diff != "" {
		t.Errorf("WriteText with colour, escapes removed (-want +got):\n%s", diff)
	}
	for _, line := range []string{
		"\x1b[1mcore/ConfigMap shop/settings (create) from config/settings.yaml:1\x1b[0m\n",
		"\x1b[1m--- /dev/null\x1b[0m\n",
		"\x1b[1m+++ predicted/core/ConfigMap shop/settings\x1b[0m\n",
		"\x1b[36m@@ -0,0 +1,7 @@\x1b[0m\n",
		"\x1b[32m+  color: blue\x1b[0m\n",
		"\x1b[31m-      - image: registry.example/web:1.0\x1b[0m\n",
		"\x1b[32m+      - image: registry.example/web:1.1\x1b[0m\n",
		"\n         app: web\n", // context lines are not coloured
		"\n1 to create, 2 to update, 3 unchanged\n",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("WriteText with colour lacks %q:\n%s", line, got)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	r := NewReport(reportChangeSet(t), reportIgnore)
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("WriteJSON printed invalid JSON: %v\n%s", err, buf.String())
	}
	var want any
	if err := json.Unmarshal([]byte(`{
  "summary": {"create": 1, "update": 2, "unchanged": 3, "replace": 0, "refused": 0, "prune": 0},
  "changes": [
    {
      "group": "", "kind": "ConfigMap", "namespace": "shop", "name": "settings",
      "origin": "config/settings.yaml:1", "action": "create",
      "object": {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "shop"},
        "data": {"color": "blue"}
      }
    },
    {
      "group": "apps", "kind": "Deployment", "namespace": "shop", "name": "web",
      "origin": "deploy/web.yaml:1", "action": "update",
      "fields": [
        {"path": "spec.template.spec.containers[0].image", "op": "replace",
         "before": "registry.example/web:1.0", "after": "registry.example/web:1.1"}
      ]
    },
    {
      "group": "", "kind": "Secret", "namespace": "shop", "name": "db",
      "origin": "secrets/db.yaml:1", "action": "update",
      "fields": [
        {"path": "data.api-key", "op": "add", "after": "<secret: 17 bytes>"},
        {"path": "data.legacy", "op": "remove", "before": "<secret: 19 bytes>"},
        {"path": "data.password", "op": "replace", "before": "<secret: 13 bytes>", "after": "<secret: 13 bytes, changed>"},
        {"path": "data.token", "op": "replace", "before": "<secret: 28 bytes>", "after": "<secret: 44 bytes, changed>"}
      ]
    }
  ]
}`), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WriteJSON (-want +got):\n%s", diff)
	}
}

func TestWriteJSONNoChanges(t *testing.T) {
	r := NewReport(ChangeSet{}, nil)
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"summary\": {\n    \"create\": 0,\n    \"prune\": 0,\n    \"refused\": 0,\n    \"replace\": 0,\n    \"unchanged\": 0,\n    \"update\": 0\n  },\n  \"changes\": []\n}\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("WriteJSON (-want +got):\n%s", diff)
	}
}

// needDiff skips the test when GNU diff is not installed.
func needDiff(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("diff"); err != nil {
		t.Fatal("GNU diff is not on PATH; install diffutils")
	}
}

// tempRoot matches the temporary directory WriteExternal writes its files
// to, in the differ's output.
var tempRoot = regexp.MustCompile(`\S*/(LIVE|MERGED)-[^/\s]+/`)

func TestWriteExternal(t *testing.T) {
	needDiff(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	r := NewReport(reportChangeSet(t), reportIgnore)
	var out, errOut bytes.Buffer
	if err := r.WriteExternal(context.Background(), "diff -u -N", &out, &errOut); err != nil {
		t.Fatalf("WriteExternal: %v\nstderr: %s", err, errOut.String())
	}
	if errOut.Len() > 0 {
		t.Errorf("WriteExternal wrote to stderr: %s", errOut.String())
	}
	// Drop the file header lines, which carry timestamps.
	var lines []string
	for _, l := range strings.SplitAfter(out.String(), "\n") {
		if strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ ") {
			continue
		}
		lines = append(lines, tempRoot.ReplaceAllString(l, "ROOT/$1/"))
	}
	want := `diff -u -N ROOT/LIVE/apps.v1.Deployment.shop.web ROOT/MERGED/apps.v1.Deployment.shop.web
@@ -15,5 +15,5 @@
         app: web
     spec:
       containers:
-      - image: registry.example/web:1.0
+      - image: registry.example/web:1.1
         name: web
diff -u -N ROOT/LIVE/v1.ConfigMap.shop.settings ROOT/MERGED/v1.ConfigMap.shop.settings
@@ -0,0 +1,7 @@
+apiVersion: v1
+data:
+  color: blue
+kind: ConfigMap
+metadata:
+  name: settings
+  namespace: shop
diff -u -N ROOT/LIVE/v1.Secret.shop.db ROOT/MERGED/v1.Secret.shop.db
@@ -1,8 +1,8 @@
 apiVersion: v1
 data:
-  legacy: '<secret: 19 bytes>'
-  password: '<secret: 13 bytes>'
-  token: '<secret: 28 bytes>'
+  api-key: '<secret: 17 bytes>'
+  password: '<secret: 13 bytes, changed>'
+  token: '<secret: 44 bytes, changed>'
 kind: Secret
 metadata:
   name: db
`
	if diff := cmp.Diff(want, strings.Join(lines, "")); diff != "" {
		t.Errorf("WriteExternal output (-want +got):\n%s", diff)
	}
	// The temporary files are removed.
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("WriteExternal left %d entries in TMPDIR, such as %s", len(left), left[0].Name())
	}
}

func TestWriteExternalNoChanges(t *testing.T) {
	needDiff(t)
	var out, errOut bytes.Buffer
	if err := NewReport(ChangeSet{}, nil).WriteExternal(context.Background(), "diff -u -N", &out, &errOut); err != nil {
		t.Fatalf("WriteExternal: %v", err)
	}
	if out.Len()+errOut.Len() > 0 {
		t.Errorf("WriteExternal printed %q, %q for no changes", out.String(), errOut.String())
	}
}

func TestWriteExternalErrors(t *testing.T) {
	needDiff(t)
	r := NewReport(reportChangeSet(t), reportIgnore)
	tests := []struct {
		name    string
		command string
		wantErr string
	}{
		{name: "empty", command: "", wantErr: ExternalDiffEnv + " is empty"},
		{name: "blank", command: "  \t", wantErr: ExternalDiffEnv + " is empty"},
		{name: "missing program", command: "converge-no-such-differ -u", wantErr: `run KUBECTL_EXTERNAL_DIFF "converge-no-such-differ -u"`},
		{name: "exit status 2", command: "diff --no-such-flag", wantErr: "exit status 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := r.WriteExternal(context.Background(), tt.command, &out, &errOut)
			if err == nil {
				t.Fatalf("WriteExternal(%q) = nil, want an error containing %q", tt.command, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("WriteExternal(%q) error = %q, want it to contain %q", tt.command, err, tt.wantErr)
			}
		})
	}
}

// secretReportChangeSet is reportChangeSet with more Secrets: one created
// from stringData and data, and one configured only in an ignored field.
func secretReportChangeSet(t *testing.T) (ChangeSet, []IgnoreRule) {
	cs := reportChangeSet(t)
	created := shopSecret("new-creds", map[string]string{"token": secretToken}, map[string]string{"password": secretPassword})
	created.SetAnnotations(map[string]string{"note": "created by the test"})
	cs.Changes = append(cs.Changes, createChange(t, "secrets/new-creds.yaml", created))
	oldAPI := shopSecret("api", map[string]string{"key": secretAdded}, nil)
	oldAPI.SetLabels(map[string]string{"rotation": "1"})
	newAPI := shopSecret("api", map[string]string{"key": secretAdded}, nil)
	newAPI.SetLabels(map[string]string{"rotation": "2"})
	cs.Changes = append(cs.Changes, updateChange(t, "secrets/api.yaml", ActionConfigure, oldAPI, newAPI))
	return cs, append([]IgnoreRule{{Kind: "Secret", Path: []string{"metadata", "labels"}}}, reportIgnore...)
}

// TestSecretValuesNeverPrinted renders Secrets created, updated and left
// unchanged in every output format and looks for their values in every
// encoding.
func TestSecretValuesNeverPrinted(t *testing.T) {
	needDiff(t)
	cs, ignore := secretReportChangeSet(t)
	// The values really are in the change set, in the forms searched for.
	var in bytes.Buffer
	for _, c := range cs.Changes {
		for _, u := range []*unstructured.Unstructured{c.Live, c.Predicted, c.Desired} {
			if u != nil {
				js, _ := json.Marshal(u)
				in.Write(js)
			}
		}
	}
	for _, s := range []string{secretPassword, secretPassword2, secretToken, secretToken2, secretAdded, secretRemoved, secretAnnotation} {
		if len(secretLeaks(in.String(), s)) == 0 {
			t.Fatalf("test setup: %q is not in the change set", s)
		}
	}

	r := NewReport(cs, ignore)
	if diff := cmp.Diff("2 to create, 2 to update, 4 unchanged", r.Summary()); diff != "" {
		t.Errorf("Summary (-want +got):\n%s", diff)
	}
	outputs := map[string]func(*bytes.Buffer) error{
		"text":        func(b *bytes.Buffer) error { return r.WriteText(b, false) },
		"text colour": func(b *bytes.Buffer) error { return r.WriteText(b, true) },
		"JSON":        func(b *bytes.Buffer) error { return r.WriteJSON(b) },
		"Markdown":    func(b *bytes.Buffer) error { return r.WriteMarkdown(b) },
		"JUnit":       func(b *bytes.Buffer) error { return r.WriteJUnit(b) },
		"external diff": func(b *bytes.Buffer) error {
			return r.WriteExternal(context.Background(), "diff -u -N", b, b)
		},
		"Entry.Unified": func(b *bytes.Buffer) error {
			for _, e := range r.Entries {
				b.WriteString(e.Unified())
			}
			return nil
		},
		"entries as JSON": func(b *bytes.Buffer) error {
			enc := json.NewEncoder(b)
			enc.SetEscapeHTML(false)
			return enc.Encode(r.Entries)
		},
	}
	for name, write := range outputs {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			assertNoSecret(t, name, out, allSecretValues...)
			// The Secrets are shown, as placeholders.
			for _, want := range []string{"<secret: 13 bytes, changed>", "<secret: 13 bytes>", "<secret: 28 bytes>"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s lacks %q:\n%s", name, want, out)
				}
			}
		})
	}
}
