package history

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func testStore(name string) Store {
	mapping := &meta.RESTMapping{
		Resource:         schema.GroupVersionResource{Version: "v1", Resource: "secrets"},
		GroupVersionKind: schema.GroupVersionKind{Version: "v1", Kind: "Secret"},
		Scope:            meta.RESTScopeNamespace,
	}
	return Store{Parent: applyset.Parent{Mapping: mapping, Name: name, Namespace: "shop"}}
}

func TestCountsOf(t *testing.T) {
	res := apply.Result{Entries: []apply.Entry{
		{Action: diff.ActionCreate}, {Action: diff.ActionCreate},
		{Action: diff.ActionConfigure}, {Action: diff.ActionReplace},
		{Action: diff.ActionUnchanged},
		{Action: diff.ActionPrune},
		{Action: diff.ActionConfigure, Err: errTest},
	}}
	want := Counts{Created: 2, Configured: 2, Unchanged: 1, Pruned: 1, Failed: 1}
	if diff := cmp.Diff(want, CountsOf(res)); diff != "" {
		t.Errorf("CountsOf (-want +got):\n%s", diff)
	}
}

type testError string

func (e testError) Error() string { return string(e) }

var errTest = testError("boom")

func TestTarget(t *testing.T) {
	revs := []Revision{
		{Number: 3, Result: ResultApplied},
		{Number: 4, Result: ResultApplied},
		{Number: 5, Result: ResultFailed},
		{Number: 6, Result: ResultApplied},
	}
	tests := []struct {
		name string
		revs []Revision
		to   int
		want int
		err  string
	}{
		{name: "the one before, skipping failed", revs: revs, want: 4},
		{name: "named", revs: revs, to: 3, want: 3},
		{name: "current named", revs: revs, to: 6, want: 6},
		{name: "unknown lists the recorded", revs: revs, to: 2, err: "has no revision 2: the recorded revisions are 3, 4, 5, 6"},
		{name: "only one", revs: revs[:1], err: "no revision to go back to before revision 3"},
		{name: "none", err: "has no recorded revisions"},
	}
	for _, tt := range tests {
		got, err := Target(testStore("flask"), tt.revs, tt.to)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || got.Number != tt.want {
			t.Errorf("%s: Target = %d, %v; want %d", tt.name, got.Number, err, tt.want)
		}
	}
}

func TestRepeatsLatest(t *testing.T) {
	set := setOf(configMap("a", map[string]any{"k": "v"}))
	digest, err := Digest(set)
	if err != nil {
		t.Fatal(err)
	}
	settings := Settings{Namespace: "shop"}
	latest := Revision{Number: 2, Result: ResultApplied, Objects: 1, Digest: digest, Settings: settings}
	noop := Revision{Result: ResultApplied, Counts: Counts{Unchanged: 1}, Settings: settings}
	tests := []struct {
		name string
		revs []Revision
		rev  Revision
		set  manifests.Set
		want bool
	}{
		{name: "a no-op of the same set", revs: []Revision{latest}, rev: noop, set: set, want: true},
		{name: "first revision", rev: noop, set: set},
		{name: "a change", revs: []Revision{latest}, rev: Revision{Result: ResultApplied, Counts: Counts{Configured: 1}, Settings: settings}, set: set},
		{name: "an undo", revs: []Revision{latest}, rev: Revision{Result: ResultUndo, UndoOf: 1, Settings: settings}, set: set},
		{name: "a failure", revs: []Revision{latest}, rev: Revision{Result: ResultFailed, Settings: settings}, set: set},
		{name: "other objects", revs: []Revision{latest}, rev: noop, set: setOf(configMap("a", map[string]any{"k": "w"}))},
		{name: "after a failure", revs: []Revision{{Number: 2, Result: ResultFailed, Objects: 1, Digest: digest, Settings: settings}}, rev: noop, set: set},
		{name: "other settings", revs: []Revision{latest}, rev: Revision{Result: ResultApplied, Settings: Settings{Namespace: "shop", ServerSide: true}}, set: set},
	}
	for _, tt := range tests {
		got, err := repeatsLatest(tt.revs, tt.rev, tt.set)
		if err != nil || got != tt.want {
			t.Errorf("%s: repeatsLatest = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

func TestStoreNames(t *testing.T) {
	s := testStore("flask")
	head, part := s.name(3, 0), s.name(3, 2)
	if !strings.HasPrefix(head, "converge.flask.") || !strings.HasSuffix(head, ".v3") {
		t.Errorf("head name %q", head)
	}
	if part != head+".2" {
		t.Errorf("part name %q, want %q", part, head+".2")
	}
	other := s
	other.Parent.Mapping = &meta.RESTMapping{GroupVersionKind: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Scope: meta.RESTScopeNamespace}
	if other.name(3, 0) == head {
		t.Error("a ConfigMap parent of the same name shares the Secret parent's history names")
	}
	odd := testStore("My_App").name(1, 0)
	if strings.ContainsAny(odd, "_M") {
		t.Errorf("name %q is not a DNS subdomain", odd)
	}
}

func TestWriteTable(t *testing.T) {
	when := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	revs := []Revision{
		{Number: 1, Time: when, Source: Source{Kind: SourceGit, Commit: "0123456789abcdef"}, ChangeCause: "initial deployment", Counts: Counts{Created: 4}, Result: ResultApplied},
		{Number: 2, Time: when, Source: Source{Kind: SourceLocal, Hash: "abcdef0123456789"}, ChangeCause: "two\nlines", Counts: Counts{Configured: 1, Pruned: 1}, Result: ResultFailed},
		{Number: 3, Time: when, Source: Source{Kind: SourceGit, Commit: "0123456789abcdef"}, Counts: Counts{Configured: 1}, Result: ResultUndo, UndoOf: 1},
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, revs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var got [][]string
	for _, l := range lines {
		f := strings.Fields(l)
		got = append(got, []string{f[0], f[len(f)-1]})
	}
	want := [][]string{{"REVISION", "RESULT"}, {"1", "applied"}, {"2", "failed"}, {"3", "1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	for _, s := range []string{"0123456", "initial deployment", "two lines", "undo of 1", "<none>"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, buf.String())
		}
	}
}

// TestDetailsMaskSecrets: the diff between two revisions never shows a
// Secret's values, old or new.
func TestDetailsMaskSecrets(t *testing.T) {
	base := []manifests.Object{secretObject("db", "old-value-1"), configMap("gone", map[string]any{"k": "v"})}
	head := []manifests.Object{secretObject("db", "new-value-2"), configMap("new", map[string]any{"k": "v"})}
	d := NewDetails(Revision{Number: 2, Result: ResultApplied}, &Revision{Number: 1}, base, head)
	var buf bytes.Buffer
	if err := d.WriteText(&buf, false); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, secret := range []string{"old-value-1", "new-value-2", "b2xkLXZhbHVlLTE", "bmV3LXZhbHVlLTI"} {
		if strings.Contains(out, secret) {
			t.Errorf("history --revision shows a secret value %q:\n%s", secret, out)
		}
	}
	for _, s := range []string{"revision 1/core/Secret db", "revision 2/core/ConfigMap new", "(prune)", "1 to create, 1 to update, 1 to prune"} {
		if !strings.Contains(out, s) {
			t.Errorf("details lack %q:\n%s", s, out)
		}
	}
}
