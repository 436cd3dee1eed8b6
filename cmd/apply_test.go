package cmd

import (
	"strings"
	"testing"
	"time"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
)

func TestApplyFlagsToOptions(t *testing.T) {
	files := func(paths ...string) manifestFlags { return manifestFlags{Filenames: paths} }
	tests := []struct {
		name    string
		flags   applyFlags
		want    applyOptions
		wantErr string // substring of the error; empty for success
	}{
		{
			name:    "no -f",
			flags:   applyFlags{DryRun: "none"},
			wantErr: "must specify -f",
		},
		{
			name:    "no -f even with other flags",
			flags:   applyFlags{manifestFlags: manifestFlags{Recursive: true}, DryRun: "client", Concurrency: 4},
			wantErr: "must specify -f",
		},
		{
			name:  "dry-run none",
			flags: applyFlags{manifestFlags: files("a.yaml"), DryRun: "none"},
			want: applyOptions{
				Load:       manifests.Options{Paths: []string{"a.yaml"}},
				Apply:      apply.Options{DryRun: apply.DryRunNone},
				Validation: validation{Validate: true},
			},
		},
		{
			name:  "dry-run client",
			flags: applyFlags{manifestFlags: files("a.yaml"), DryRun: "client"},
			want: applyOptions{
				Load:       manifests.Options{Paths: []string{"a.yaml"}},
				Apply:      apply.Options{DryRun: apply.DryRunClient},
				Validation: validation{Validate: true},
			},
		},
		{
			name:  "dry-run server",
			flags: applyFlags{manifestFlags: files("a.yaml"), DryRun: "server"},
			want: applyOptions{
				Load:       manifests.Options{Paths: []string{"a.yaml"}},
				Apply:      apply.Options{DryRun: apply.DryRunServer},
				Validation: validation{Validate: true},
			},
		},
		{
			name:  "empty dry-run means none",
			flags: applyFlags{manifestFlags: files("a.yaml"), DryRun: ""},
			want: applyOptions{
				Load:       manifests.Options{Paths: []string{"a.yaml"}},
				Apply:      apply.Options{DryRun: apply.DryRunNone},
				Validation: validation{Validate: true},
			},
		},
		{
			name:    "bad dry-run",
			flags:   applyFlags{manifestFlags: files("a.yaml"), DryRun: "bad"},
			wantErr: `invalid --dry-run "bad": use none, client or server`,
		},
		{
			name:    "dry-run is case-sensitive",
			flags:   applyFlags{manifestFlags: files("a.yaml"), DryRun: "Client"},
			wantErr: `invalid --dry-run "Client"`,
		},
		{
			name:    "deprecated boolean dry-run is refused",
			flags:   applyFlags{manifestFlags: files("a.yaml"), DryRun: "true"},
			wantErr: `invalid --dry-run "true"`,
		},
		{
			name:    "negative concurrency",
			flags:   applyFlags{manifestFlags: files("a.yaml"), DryRun: "none", Concurrency: -1},
			wantErr: "invalid --concurrency -1",
		},
		{
			name:  "zero concurrency uses the default",
			flags: applyFlags{manifestFlags: files("a.yaml"), DryRun: "none", Concurrency: 0},
			want: applyOptions{
				Load:       manifests.Options{Paths: []string{"a.yaml"}},
				Apply:      apply.Options{DryRun: apply.DryRunNone, Concurrency: 0},
				Validation: validation{Validate: true},
			},
		},
		{
			name: "everything propagates",
			flags: applyFlags{
				manifestFlags: manifestFlags{Filenames: []string{"dir/", "-", "b.json"}, Recursive: true},
				DryRun:        "server",
				FieldManager:  "ci",
				Concurrency:   8,
				Force:         true,
				Timeout:       90 * time.Second,
			},
			want: applyOptions{
				Load: manifests.Options{Paths: []string{"dir/", "-", "b.json"}, Recursive: true},
				Apply: apply.Options{DryRun: apply.DryRunServer, FieldManager: "ci", Concurrency: 8,
					Force: true, Timeout: 90 * time.Second},
				Validation: validation{Validate: true},
			},
		},
		{
			name:    "negative timeout",
			flags:   applyFlags{manifestFlags: files("a.yaml"), DryRun: "none", Timeout: -time.Second},
			wantErr: "invalid --timeout -1s",
		},
		{
			name:  "recursive propagates",
			flags: applyFlags{manifestFlags: manifestFlags{Filenames: []string{"dir"}, Recursive: true}, DryRun: "none"},
			want: applyOptions{
				Load:       manifests.Options{Paths: []string{"dir"}, Recursive: true},
				Apply:      apply.Options{DryRun: apply.DryRunNone},
				Validation: validation{Validate: true},
			},
		},
		{
			name:  "default field manager",
			flags: applyFlags{manifestFlags: files("a.yaml"), DryRun: "none", FieldManager: apply.DefaultFieldManager},
			want: applyOptions{
				Load:       manifests.Options{Paths: []string{"a.yaml"}},
				Apply:      apply.Options{DryRun: apply.DryRunNone, FieldManager: "converge"},
				Validation: validation{Validate: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.flags.toOptions()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("toOptions() error = %v, want one containing %q", err, tt.wantErr)
				}
				if diff := cmp.Diff(applyOptions{}, got); diff != "" {
					t.Errorf("toOptions() returned options with an error (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("toOptions(): %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("toOptions() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDryRunSuffix(t *testing.T) {
	tests := []struct {
		name string
		in   apply.DryRun
		want string
	}{
		{name: "none", in: apply.DryRunNone, want: ""},
		{name: "empty", in: "", want: ""},
		{name: "client", in: apply.DryRunClient, want: " (dry run)"},
		{name: "server", in: apply.DryRunServer, want: " (server dry run)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, dryRunSuffix(tt.in)); diff != "" {
				t.Errorf("dryRunSuffix(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCommandLineRedactsCredentials(t *testing.T) {
	got := strings.Join(commandLine([]string{"/usr/bin/converge", "apply", "-f", "app/", "--token", "s3cr3t", "--password=hunter2", "--username", "me", "-n", "shop",
		"--schema-location", "https://me:s3cr3t@schemas.example/{{.Group}}.json?token=s3cr3t", "--schema-location=https://schemas.example/x.json?sig=s3cr3t"}), " ")
	want := "converge apply -f app/ --token <redacted> --password=<redacted> --username <redacted> -n shop" +
		" --schema-location https://<redacted>@schemas.example/{{.Group}}.json?<redacted> --schema-location=https://schemas.example/x.json?<redacted>"
	if got != want {
		t.Errorf("commandLine = %q, want %q", got, want)
	}
}
