package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func TestProfileFlag(t *testing.T) {
	tests := []struct {
		name     string
		profile  string
		wantCode int
		wantErr  string
		wantFile bool
	}{
		{name: "none writes nothing", profile: "none"},
		{name: "cpu", profile: "cpu", wantFile: true},
		{name: "heap", profile: "heap", wantFile: true},
		{name: "unknown", profile: "mutex", wantCode: 1, wantErr: `invalid --profile "mutex": use none, cpu or heap`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "p.pprof")
			streams, _, _, errOut := genericiooptions.NewTestIOStreams()
			root, profile := newRoot(streams)
			root.SetArgs([]string{"version", "--profile", tt.profile, "--profile-output", out})
			code := run(context.Background(), root, errOut)
			if err := profile.stop(); err != nil {
				t.Fatalf("stop: %v", err)
			}
			if code != tt.wantCode || !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut.String(), tt.wantCode, tt.wantErr)
			}
			info, err := os.Stat(out)
			if got := err == nil && info.Size() > 0; got != tt.wantFile {
				t.Errorf("profile written = %v, want %v", got, tt.wantFile)
			}
		})
	}
}
