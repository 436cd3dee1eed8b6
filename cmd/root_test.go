package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func TestRootCommandConnectionFlags(t *testing.T) {
	tests := []struct {
		name          string
		flag          string
		wantShorthand string
	}{
		{name: "kubeconfig", flag: "kubeconfig"},
		{name: "context", flag: "context"},
		{name: "namespace", flag: "namespace", wantShorthand: "n"},
		{name: "request-timeout", flag: "request-timeout"},
		{name: "server", flag: "server", wantShorthand: "s"},
		{name: "cluster", flag: "cluster"},
		{name: "user", flag: "user"},
	}
	streams, _, _, _ := genericiooptions.NewTestIOStreams()
	root := NewRootCommand(streams)
	applyCmd, _, err := root.Find([]string{"apply"})
	if err != nil {
		t.Fatalf("find apply: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := root.PersistentFlags().Lookup(tt.flag)
			if f == nil {
				t.Fatalf("root has no persistent --%s flag", tt.flag)
			}
			if diff := cmp.Diff(tt.wantShorthand, f.Shorthand); diff != "" {
				t.Errorf("--%s shorthand mismatch (-want +got):\n%s", tt.flag, diff)
			}
			if applyCmd.InheritedFlags().Lookup(tt.flag) == nil {
				t.Errorf("apply does not inherit --%s", tt.flag)
			}
		})
	}
}

func TestRootCommandNamespaceShorthand(t *testing.T) {
	streams, _, _, _ := genericiooptions.NewTestIOStreams()
	root := NewRootCommand(streams)
	if err := root.PersistentFlags().Parse([]string{"-n", "shop", "--context", "kind-dev", "--request-timeout", "5s"}); err != nil {
		t.Fatalf("parse: %v", err)
	}
	got := map[string]string{}
	for _, name := range []string{"namespace", "context", "request-timeout"} {
		got[name] = root.PersistentFlags().Lookup(name).Value.String()
	}
	want := map[string]string{"namespace": "shop", "context": "kind-dev", "request-timeout": "5s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed flags mismatch (-want +got):\n%s", diff)
	}
}

func TestApplyCommandFlags(t *testing.T) {
	tests := []struct {
		flag          string
		wantShorthand string
		wantDefault   string
	}{
		{flag: "filename", wantShorthand: "f", wantDefault: "[]"},
		{flag: "recursive", wantShorthand: "R", wantDefault: "false"},
		{flag: "dry-run", wantDefault: "none"},
		{flag: "field-manager", wantDefault: "converge"},
		{flag: "concurrency", wantDefault: "0"},
	}
	streams, _, _, _ := genericiooptions.NewTestIOStreams()
	applyCmd, _, err := NewRootCommand(streams).Find([]string{"apply"})
	if err != nil {
		t.Fatalf("find apply: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			f := applyCmd.Flags().Lookup(tt.flag)
			if f == nil {
				t.Fatalf("apply has no --%s flag", tt.flag)
			}
			type flagInfo struct{ Shorthand, Default string }
			want := flagInfo{tt.wantShorthand, tt.wantDefault}
			got := flagInfo{f.Shorthand, f.DefValue}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("--%s mismatch (-want +got):\n%s", tt.flag, diff)
			}
		})
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		wantCode    int
		wantOut     string
		wantErrOut  string // prefix of what is written to the error stream
		wantErrSubs string // substring of the error stream
	}{
		{
			name:     "version",
			args:     []string{"version"},
			wantCode: 0,
			wantOut:  "converge dev\n",
		},
		{
			name:       "version takes no arguments",
			args:       []string{"version", "extra"},
			wantCode:   1,
			wantErrOut: "error: unknown command \"extra\" for \"converge version\"",
		},
		{
			name:        "apply without -f fails before touching a cluster",
			args:        []string{"apply"},
			wantCode:    1,
			wantErrOut:  "error: ",
			wantErrSubs: "must specify -f",
		},
		{
			name:        "apply with a bad dry-run",
			args:        []string{"apply", "-f", "x.yaml", "--dry-run=maybe"},
			wantCode:    1,
			wantErrOut:  "error: ",
			wantErrSubs: `invalid --dry-run "maybe"`,
		},
		{
			name:       "unknown flag",
			args:       []string{"--no-such-flag"},
			wantCode:   1,
			wantErrOut: "error: unknown flag: --no-such-flag",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			streams, _, out, errOut := genericiooptions.NewTestIOStreams()
			root := NewRootCommand(streams)
			root.SetArgs(tt.args)
			code := run(context.Background(), root, errOut)
			if diff := cmp.Diff(tt.wantCode, code); diff != "" {
				t.Errorf("exit code mismatch (-want +got):\n%s\nstderr: %s", diff, errOut)
			}
			if diff := cmp.Diff(tt.wantOut, out.String()); diff != "" {
				t.Errorf("stdout mismatch (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(errOut.String(), tt.wantErrOut) {
				t.Errorf("stderr = %q, want prefix %q", errOut, tt.wantErrOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErrSubs) {
				t.Errorf("stderr = %q, want it to contain %q", errOut, tt.wantErrSubs)
			}
			if tt.wantErrOut == "" && errOut.Len() > 0 {
				t.Errorf("stderr = %q, want nothing", errOut)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	root := NewRootCommand(streams)
	root.SetArgs([]string{"version"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("version: %v", err)
	}
	if diff := cmp.Diff("converge dev\n", out.String()); diff != "" {
		t.Errorf("version output mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("", errOut.String()); diff != "" {
		t.Errorf("version stderr mismatch (-want +got):\n%s", diff)
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{name: "plain error", err: errors.New("boom"), want: 1},
		{name: "exit error", err: &ExitError{Code: 3, Err: errors.New("drift found")}, want: 3},
		{name: "exit error with code 1", err: &ExitError{Code: 1, Err: errors.New("x")}, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, exitCode(tt.err)); diff != "" {
				t.Errorf("exitCode(%v) mismatch (-want +got):\n%s", tt.err, diff)
			}
		})
	}
}

func TestExitError(t *testing.T) {
	cause := errors.New("drift found")
	ee := &ExitError{Code: 2, Err: cause}
	if diff := cmp.Diff("drift found", ee.Error()); diff != "" {
		t.Errorf("Error mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(ee, cause) {
		t.Errorf("errors.Is(ExitError, cause) = false, want true")
	}
	var got *ExitError
	if !errors.As(fmt.Errorf("diff: %w", ee), &got) || got != ee {
		t.Errorf("errors.As did not find the wrapped *ExitError")
	}
}
