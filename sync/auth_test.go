package sync

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport/http"
)

func TestScrub(t *testing.T) {
	tests := []struct{ msg, repo, want string }{
		{msg: "fetch https://dev:tok3n@git.example/x: 401", repo: "https://dev:tok3n@git.example/x", want: "fetch https://git.example/x: 401"},
		{msg: "bad token tok3n", repo: "https://dev:tok3n@git.example/x", want: "bad token <redacted>"},
		{msg: "no creds", repo: "https://git.example/x", want: "no creds"},
	}
	for _, tt := range tests {
		if got := scrub(tt.msg, tt.repo); got != tt.want {
			t.Errorf("scrub(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

func TestAuthMethod(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("tok3n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONVERGE_TEST_TOKEN", "from-env")
	tests := []struct {
		name string
		opts AuthOptions
		repo string
		user string
		pass string
		err  string
	}{
		{name: "none", repo: "https://git.example/x"},
		{name: "file", opts: AuthOptions{PasswordFile: file}, repo: "https://git.example/x", user: "git", pass: "tok3n"},
		{name: "env and user", opts: AuthOptions{Username: "dev", PasswordEnv: "CONVERGE_TEST_TOKEN"}, repo: "https://git.example/x", user: "dev", pass: "from-env"},
		{name: "empty env", opts: AuthOptions{PasswordEnv: "CONVERGE_TEST_UNSET"}, repo: "https://git.example/x", err: "empty or unset"},
		{name: "ssh without key", repo: "ssh://git@git.example/x.git", err: "needs --ssh-key"},
		{name: "local path", opts: AuthOptions{PasswordFile: file}, repo: "/srv/x"},
	}
	for _, tt := range tests {
		m, err := tt.opts.Method(tt.repo)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		basic, _ := m.(*http.BasicAuth)
		switch {
		case tt.pass == "" && m != nil:
			t.Errorf("%s: auth %v, want none", tt.name, m)
		case tt.pass != "" && (basic == nil || basic.Username != tt.user || basic.Password != tt.pass):
			t.Errorf("%s: auth %+v", tt.name, m)
		case basic != nil && strings.Contains(basic.String(), tt.pass):
			t.Errorf("%s: the auth prints its password: %s", tt.name, basic.String())
		}
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Second, 3: 4 * time.Second, 9: 256 * time.Second, 10: MaxBackoff, 50: MaxBackoff} {
		for range 20 {
			if got := backoff(n); got < want/2 || got > want {
				t.Errorf("backoff(%d) = %s, want within [%s, %s]", n, got, want/2, want)
			}
		}
	}
}
