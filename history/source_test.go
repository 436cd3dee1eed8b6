package history

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
)

// testSig is the author of every commit the tests make.
var testSig = &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Unix(1700000000, 0)}

// testRepo is a repository on branch main with an origin remote and one
// commit holding app/cm.yaml and a .gitignore that ignores *.log.
type testRepo struct {
	dir  string
	repo *git.Repository
	wt   *git.Worktree
	head plumbing.Hash
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{
		Name: "origin",
		URLs: []string{"https://user:secret-token@git.example.com/org/app.git"},
	}); err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	r := &testRepo{dir: dir, repo: repo, wt: wt}
	r.write(t, ".gitignore", "*.log\n")
	r.write(t, "app/cm.yaml", "kind: ConfigMap\n")
	r.head = r.commit(t, "  bump flask to 0.2.0  \n\nlonger body", ".gitignore", "app/cm.yaml")
	return r
}

func (r *testRepo) write(t *testing.T, name, content string) {
	t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (r *testRepo) commit(t *testing.T, msg string, files ...string) plumbing.Hash {
	t.Helper()
	for _, f := range files {
		if _, err := r.wt.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	h, err := r.wt.Commit(msg, &git.CommitOptions{Author: testSig})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// want is the Source of r at commit with the given ref.
func (r *testRepo) want(commit plumbing.Hash, ref, subject string, dirty bool) Source {
	return Source{
		Kind:    SourceGit,
		URL:     "https://git.example.com/org/app.git",
		Commit:  commit.String(),
		Ref:     ref,
		Subject: subject,
		Author:  "dev <dev@example.com>",
		Dirty:   dirty,
		Paths:   []string{"app"},
	}
}

func TestReadSource(t *testing.T) {
	const subject = "bump flask to 0.2.0"
	outside := t.TempDir()
	tests := []struct {
		name  string
		setup func(t *testing.T) (paths []string, want Source)
	}{
		{"clean on main", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			return []string{filepath.Join(r.dir, "app")}, r.want(r.head, "main", subject, false)
		}},
		{"file and second path", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			want := r.want(r.head, "main", subject, false)
			want.Paths = []string{"app/cm.yaml", "."}
			return []string{"", "-", filepath.Join(r.dir, "app", "cm.yaml"), r.dir}, want
		}},
		{"modified file", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			r.write(t, "app/cm.yaml", "kind: Secret\n")
			return []string{filepath.Join(r.dir, "app")}, r.want(r.head, "main", subject, true)
		}},
		{"staged file", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			r.write(t, "app/new.yaml", "kind: Service\n")
			if _, err := r.wt.Add("app/new.yaml"); err != nil {
				t.Fatal(err)
			}
			return []string{filepath.Join(r.dir, "app")}, r.want(r.head, "main", subject, true)
		}},
		{"untracked file", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			r.write(t, "notes.txt", "todo\n")
			return []string{filepath.Join(r.dir, "app")}, r.want(r.head, "main", subject, true)
		}},
		{"ignored file", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			r.write(t, "apply.log", "ok\n")
			return []string{filepath.Join(r.dir, "app")}, r.want(r.head, "main", subject, false)
		}},
		{"detached at annotated tag", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			if _, err := r.repo.CreateTag("v1.2.0", r.head, &git.CreateTagOptions{Tagger: testSig, Message: "release"}); err != nil {
				t.Fatal(err)
			}
			r.write(t, "app/cm.yaml", "kind: Secret\n")
			r.commit(t, "next", "app/cm.yaml")
			if err := r.wt.Checkout(&git.CheckoutOptions{Hash: r.head}); err != nil {
				t.Fatal(err)
			}
			return []string{filepath.Join(r.dir, "app")}, r.want(r.head, "v1.2.0", subject, false)
		}},
		{"detached, tags in name order", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			if _, err := r.repo.CreateTag("v2", r.head, &git.CreateTagOptions{Tagger: testSig, Message: "release"}); err != nil {
				t.Fatal(err)
			}
			if _, err := r.repo.CreateTag("v1", r.head, nil); err != nil { // lightweight
				t.Fatal(err)
			}
			if err := r.wt.Checkout(&git.CheckoutOptions{Hash: r.head}); err != nil {
				t.Fatal(err)
			}
			return []string{filepath.Join(r.dir, "app")}, r.want(r.head, "v1", subject, false)
		}},
		{"detached, no tag", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			if err := r.wt.Checkout(&git.CheckoutOptions{Hash: r.head}); err != nil {
				t.Fatal(err)
			}
			return []string{filepath.Join(r.dir, "app")}, r.want(r.head, "", subject, false)
		}},
		{"remotes without origin", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			if err := r.repo.DeleteRemote("origin"); err != nil {
				t.Fatal(err)
			}
			for name, u := range map[string]string{"zeta": "https://z.example.com/z.git", "alpha": "ssh://git@a.example.com/a.git"} {
				if _, err := r.repo.CreateRemote(&config.RemoteConfig{Name: name, URLs: []string{u}}); err != nil {
					t.Fatal(err)
				}
			}
			want := r.want(r.head, "main", subject, false)
			want.URL = "ssh://git@a.example.com/a.git"
			return []string{filepath.Join(r.dir, "app")}, want
		}},
		{"no remotes", func(t *testing.T) ([]string, Source) {
			r := newTestRepo(t)
			if err := r.repo.DeleteRemote("origin"); err != nil {
				t.Fatal(err)
			}
			want := r.want(r.head, "main", subject, false)
			want.URL = ""
			return []string{filepath.Join(r.dir, "app")}, want
		}},
		{"outside a repo", func(t *testing.T) ([]string, Source) {
			return []string{outside}, Source{Kind: SourceLocal, Paths: []string{outside}}
		}},
		{"stdin", func(t *testing.T) ([]string, Source) {
			return []string{"-"}, Source{Kind: SourceLocal, Paths: []string{"-"}}
		}},
		{"no paths", func(t *testing.T) ([]string, Source) {
			return nil, Source{Kind: SourceLocal}
		}},
		{"repo without commits", func(t *testing.T) ([]string, Source) {
			dir := t.TempDir()
			if _, err := git.PlainInit(dir, false); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "cm.yaml"), []byte("kind: ConfigMap\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{dir}, Source{Kind: SourceLocal, Paths: []string{dir}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths, want := tt.setup(t)
			if diff := cmp.Diff(want, ReadSource(paths)); diff != "" {
				t.Errorf("ReadSource(%q) mismatch (-want +got):\n%s", paths, diff)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{"https://user:secret-token@git.example.com/org/app.git", "https://git.example.com/org/app.git"},
		{"https://ghp_abcdef0123456789@github.com/org/app.git", "https://github.com/org/app.git"},
		{"http://user@git.example.com/app.git", "http://git.example.com/app.git"},
		{"https://github.com/org/app.git", "https://github.com/org/app.git"},
		{"ssh://git@host:22/x.git", "ssh://git@host:22/x.git"},
		{"ssh://git:hunter2@host:22/x.git", "ssh://git@host:22/x.git"},
		{"git@github.com:org/repo.git", "git@github.com:org/repo.git"},
		{"file:///tmp/x", "file:///tmp/x"},
		{"/srv/repo", "/srv/repo"},
		{"../repo", "../repo"},
		{"https://user:p%zz@host/x.git", "<redacted>"},
		{"user:pass@host:x.git", "<redacted>"},
		{"", ""},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, RedactURL(tt.raw)); diff != "" {
			t.Errorf("RedactURL(%q) mismatch (-want +got):\n%s", tt.raw, diff)
		}
	}
}

func TestReadSourceShortCause(t *testing.T) {
	const sha = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name      string
		src       Source
		wantShort string
		wantCause string
	}{
		{"git clean", Source{Kind: SourceGit, Commit: sha, Subject: "bump flask"}, "0123456", "0123456 bump flask"},
		{"git dirty", Source{Kind: SourceGit, Commit: sha, Subject: "bump flask", Dirty: true}, "0123456+dirty", "0123456 bump flask"},
		{"git no subject", Source{Kind: SourceGit, Commit: sha}, "0123456", "0123456"},
		{"local", Source{Kind: SourceLocal}, "local", ""},
		{"local with hash", Source{Kind: SourceLocal, Hash: "sha256:abcdef0123456789"}, "local sha256:abcde", ""},
		{"local short hash", Source{Kind: SourceLocal, Hash: "abc"}, "local abc", ""},
	}
	for _, tt := range tests {
		got := [2]string{tt.src.Short(), tt.src.Cause()}
		if diff := cmp.Diff([2]string{tt.wantShort, tt.wantCause}, got); diff != "" {
			t.Errorf("%s: [Short, Cause] mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}
