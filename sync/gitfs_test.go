package sync

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/convergehq/converge/manifests"
	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// commitTree commits files (and symlinks, as "-> target") to a new
// in-memory repository and returns its TreeFS.
func commitTree(t *testing.T, files map[string]string) *TreeFS {
	t.Helper()
	wtfs := memfs.New()
	repo, err := git.Init(memory.NewStorage(), wtfs)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if target, ok := strings.CutPrefix(content, "-> "); ok {
			if err := wtfs.Symlink(target, name); err != nil {
				t.Fatal(err)
			}
			continue
		}
		f, err := wtfs.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddGlob("."); err != nil {
		t.Fatal(err)
	}
	h, err := wt.Commit("test", &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.com", When: time.Unix(1700000000, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.CommitObject(h)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := NewTreeFS(repo.Storer, c)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestTreeFS(t *testing.T) {
	tree := commitTree(t, map[string]string{
		"app/a.yaml":       "a: 1\n",
		"app/sub/b.yaml":   "b: 2\n",
		"app/link.yaml":    "-> sub/b.yaml",
		"app/escape.yaml":  "-> ../../etc/passwd",
		"app/absolute.yml": "-> /etc/passwd",
		"big/huge.yaml":    strings.Repeat("x", MaxFileSize+1),
	})
	clean := commitTree(t, map[string]string{"a.yaml": "a: 1\n", "sub/b.yaml": "b: 2\n", "link.yaml": "-> sub/b.yaml"})
	if err := fstest.TestFS(clean, "a.yaml", "sub/b.yaml", "link.yaml"); err != nil {
		t.Errorf("TestFS: %v", err)
	}
	data, err := fs.ReadFile(tree, "app/link.yaml")
	if err != nil || string(data) != "b: 2\n" {
		t.Errorf("a symlink inside the tree: %q, %v", data, err)
	}
	for _, name := range []string{"app/escape.yaml", "app/absolute.yml"} {
		_, err := fs.ReadFile(tree, name)
		if _, ok := errors.AsType[*manifests.EscapeError](err); !ok {
			t.Errorf("%s: err = %v, want an EscapeError", name, err)
		}
	}
	if _, err := fs.ReadFile(tree, "big/huge.yaml"); err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Errorf("a huge file: err = %v", err)
	}
	if _, err := fs.Stat(tree, "nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: err = %v", err)
	}
}

// TestLoadFromTree: a kustomization that climbs out of the repository, or
// a symlink that does, fails with a clear error; the manifests inside
// load with repo-path origins.
func TestLoadFromTree(t *testing.T) {
	tree := commitTree(t, map[string]string{
		"app/cm.yaml":             "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
		"evil/kustomization.yaml": "resources:\n- ../../../../etc\n",
		"evil-link/cm.yaml":       "-> ../../../etc/passwd",
		"kust/kustomization.yaml": "resources:\n- cm.yaml\n",
		"kust/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: k\n",
	})
	set, err := manifests.Load(t.Context(), manifests.Options{FS: tree, Paths: []string{"app"}, Recursive: true})
	if err != nil || set.Len() != 1 || set.Objects[0].Origin.String() != "app/cm.yaml:1" {
		t.Errorf("load app: %v %v", set.Objects, err)
	}
	// Only what the kustomization reaches is read: the bad symlink
	// elsewhere in the tree does not matter to it.
	set, err = manifests.Load(t.Context(), manifests.Options{FS: tree, Kustomize: "kust"})
	if err != nil || set.Len() != 1 || set.Objects[0].Origin.String() != "kust/cm.yaml:1" {
		t.Errorf("load kust: %v %v", set.Objects, err)
	}
	if _, err := manifests.Load(t.Context(), manifests.Options{FS: tree, Kustomize: "evil"}); err == nil {
		t.Error("a kustomization reaching out of the repository loaded")
	}
	_, err = manifests.Load(t.Context(), manifests.Options{FS: tree, Paths: []string{"evil-link"}, Recursive: true})
	if err == nil || !strings.Contains(err.Error(), "leaves the repository") {
		t.Errorf("a symlink out of the repository: %v", err)
	}
}
