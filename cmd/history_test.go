package cmd

import (
	"strings"
	"testing"

	"github.com/convergehq/converge/apply"
	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestHistoryFlagsToOptions(t *testing.T) {
	tests := []struct {
		name  string
		flags historyFlags
		want  historyOptions
		err   string
	}{
		{name: "table", flags: historyFlags{ApplySet: "flask"}, want: historyOptions{ApplySet: "flask"}},
		{name: "revision as yaml", flags: historyFlags{ApplySet: "flask", Revision: 2, Output: "yaml"}, want: historyOptions{ApplySet: "flask", Revision: 2, Output: "yaml"}},
		{name: "no applyset", flags: historyFlags{}, err: "--applyset NAME is required"},
		{name: "negative revision", flags: historyFlags{ApplySet: "a", Revision: -1}, err: "invalid --revision -1"},
		{name: "bad output", flags: historyFlags{ApplySet: "a", Output: "wide"}, err: `invalid -o "wide"`},
	}
	for _, tt := range tests {
		got, err := tt.flags.toOptions()
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestUndoFlagsToOptions(t *testing.T) {
	base := undoFlags{ApplySet: "flask", Cascade: "background", HistoryLimit: 10, Validate: "true"}
	with := func(f func(*undoFlags)) undoFlags { c := base; f(&c); return c }
	tests := []struct {
		name  string
		flags undoFlags
		want  undoOptions
		err   string
	}{
		{name: "defaults", flags: base, want: undoOptions{ApplySet: "flask", HistoryLimit: 10, Validate: true,
			Apply: apply.Options{DryRun: apply.DryRunNone, Cascade: metav1.DeletePropagationBackground, PruneAllowEmpty: true, Version: version}}},
		{name: "to revision, dry run, wait", flags: with(func(f *undoFlags) { f.ToRevision, f.DryRun, f.Wait, f.PruneAllow = 3, "client", true, []string{"ns"} }),
			want: undoOptions{ApplySet: "flask", ToRevision: 3, HistoryLimit: 10, Validate: true,
				Apply: apply.Options{DryRun: apply.DryRunClient, Wait: true, Cascade: metav1.DeletePropagationBackground, PruneAllow: []string{"namespaces"}, PruneAllowEmpty: true, Version: version}}},
		{name: "no applyset", flags: with(func(f *undoFlags) { f.ApplySet = "" }), err: "--applyset NAME is required"},
		{name: "negative revision", flags: with(func(f *undoFlags) { f.ToRevision = -2 }), err: "invalid --to-revision -2"},
		{name: "bad dry run", flags: with(func(f *undoFlags) { f.DryRun = "yes" }), err: `invalid --dry-run "yes"`},
		{name: "bad prune-allow", flags: with(func(f *undoFlags) { f.PruneAllow = []string{"pods"} }), err: `invalid --prune-allow "pods"`},
		{name: "negative limit", flags: with(func(f *undoFlags) { f.HistoryLimit = -1 }), err: "invalid --history-limit -1"},
	}
	for _, tt := range tests {
		got, err := tt.flags.toOptions()
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b func([]apply.Entry)) bool { return a == nil && b == nil })); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
