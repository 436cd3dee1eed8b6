package cmd

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestPruneFlagsToOptions(t *testing.T) {
	tests := []struct {
		name    string
		flags   pruneFlags
		want    pruneOptions
		wantSel string
		wantErr string
	}{
		{name: "none", flags: pruneFlags{Cascade: "background"}},
		{name: "applyset", flags: pruneFlags{Prune: true, ApplySet: "shop", Cascade: "background"},
			want: pruneOptions{ApplySet: "shop", Cascade: metav1.DeletePropagationBackground}},
		{name: "allow and cascade", flags: pruneFlags{Prune: true, ApplySet: "configmaps/shop", AllowEmpty: true, Allow: []string{"ns", "crds"}, Cascade: "orphan"},
			want: pruneOptions{ApplySet: "configmaps/shop", AllowEmpty: true, Allow: []string{"namespaces", "customresourcedefinitions"}, Cascade: metav1.DeletePropagationOrphan}},
		{name: "foreground", flags: pruneFlags{Prune: true, ApplySet: "s", Cascade: "foreground"},
			want: pruneOptions{ApplySet: "s", Cascade: metav1.DeletePropagationForeground}},
		{name: "kubectl false", flags: pruneFlags{Prune: true, ApplySet: "s", Cascade: "false"},
			want: pruneOptions{ApplySet: "s", Cascade: metav1.DeletePropagationOrphan}},
		{name: "selector", flags: pruneFlags{Selector: "app=web,tier!=db"}, wantSel: "app=web,tier!=db"},
		{name: "prune without applyset", flags: pruneFlags{Prune: true}, wantErr: "--prune needs --applyset"},
		{name: "applyset without prune", flags: pruneFlags{ApplySet: "s"}, wantErr: "--applyset requires --prune"},
		{name: "allow without prune", flags: pruneFlags{AllowEmpty: true}, wantErr: "need --prune"},
		{name: "bad allow", flags: pruneFlags{Prune: true, ApplySet: "s", Allow: []string{"pods"}}, wantErr: `invalid --prune-allow "pods"`},
		{name: "bad cascade", flags: pruneFlags{Prune: true, ApplySet: "s", Cascade: "later"}, wantErr: `invalid --cascade "later"`},
		{name: "bad selector", flags: pruneFlags{Selector: "app=(web"}, wantErr: "invalid --selector"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.flags.toOptions()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sel := ""
			if got.Selector != nil {
				sel = got.Selector.String()
			}
			if sel != tt.wantSel {
				t.Errorf("selector = %q, want %q", sel, tt.wantSel)
			}
			got.Selector = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("toOptions() (-want +got):\n%s", diff)
			}
		})
	}
}
