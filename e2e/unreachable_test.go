package e2e

import (
	"strings"
	"testing"
)

func TestUnreachableClusterSaysWhatToCheck(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{name: "nothing listens", args: []string{"--server", "https://127.0.0.1:1"},
			want: []string{"cannot reach the API server at https://127.0.0.1:1", "nothing accepts connections", "--kubeconfig, --context"}},
		{name: "no such context", args: []string{"--context", "no-such-context"},
			want: []string{"no-such-context", "--context"}},
		{name: "untrusted certificate", args: []string{"--certificate-authority", "testdata/other-ca.crt"},
			want: []string{"cannot reach the API server", "TLS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, verb := range []string{"apply", "diff"} {
				r := converge(t, append([]string{verb, "-f", flaskDir}, tt.args...)...)
				if r.code == 0 {
					t.Fatalf("%s: exit 0", verb)
				}
				for _, w := range tt.want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("%s: stderr lacks %q:\n%s", verb, w, r.stderr)
					}
				}
				if strings.Contains(r.stderr, "validate=false") || strings.Count(r.stderr, "\n") > 2 {
					t.Errorf("%s: want one line that helps:\n%s", verb, r.stderr)
				}
			}
		})
	}
}
