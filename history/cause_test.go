package history

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func TestDefaultCause(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(dir, "app")
	if err := os.MkdirAll(app, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(app, "cm.yaml"), []byte("kind: ConfigMap\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("app/cm.yaml"); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Unix(1700000000, 0)}
	hash, err := wt.Commit("bump flask to 0.2.0\n\nlonger body", &git.CommitOptions{Author: sig})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"converge", "apply", "-f", "x"}
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{"file in a repo", []string{filepath.Join(app, "cm.yaml")}, hash.String()[:7] + " bump flask to 0.2.0"},
		{"dir in a repo", []string{app}, hash.String()[:7] + " bump flask to 0.2.0"},
		{"outside a repo", []string{t.TempDir()}, "converge apply -f x"},
		{"stdin", []string{"-"}, "converge apply -f x"},
		{"none", nil, "converge apply -f x"},
	}
	for _, tt := range tests {
		if got := DefaultCause(tt.paths, args); got != tt.want {
			t.Errorf("%s: DefaultCause = %q, want %q", tt.name, got, tt.want)
		}
	}
}
