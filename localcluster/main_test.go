package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, o options)
	}{
		{name: "data dir required", args: nil, wantErr: "--data-dir is required"},
		{
			name: "kubeconfig defaults into the data dir",
			args: []string{"--data-dir", "rel/dir"},
			check: func(t *testing.T, o options) {
				if !filepath.IsAbs(o.dataDir) || o.kubeconfigOut != filepath.Join(o.dataDir, "kubeconfig") {
					t.Errorf("got dataDir %q kubeconfig %q", o.dataDir, o.kubeconfigOut)
				}
			},
		},
		{
			name: "explicit port and kubeconfig",
			args: []string{"--data-dir", "/d", "--kubeconfig-out", "/k", "--port", "6443"},
			check: func(t *testing.T, o options) {
				if o.port != 6443 || o.kubeconfigOut != "/k" {
					t.Errorf("got %+v", o)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseFlags(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, o)
		})
	}
}

func TestPKIIsCreatedOnceAndReused(t *testing.T) {
	p := pki{dir: filepath.Join(t.TempDir(), "pki")}
	if err := p.ensure(); err != nil {
		t.Fatal(err)
	}
	first := readAll(t, p)
	if err := p.ensure(); err != nil {
		t.Fatal(err)
	}
	if second := readAll(t, p); second != first {
		t.Fatal("ensure regenerated existing credentials; a restart would invalidate old kubeconfigs")
	}
	if _, err := (&controlPlane{pki: p}).adminHTTPClient(); err != nil {
		t.Fatalf("admin credential unusable: %v", err)
	}
}

func readAll(t *testing.T, p pki) string {
	t.Helper()
	var b strings.Builder
	for _, f := range []string{p.caCert(), p.servingCert(), p.adminCert(), p.saPub()} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}
