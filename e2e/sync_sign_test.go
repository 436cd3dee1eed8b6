package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// signedCommit commits files signed by key.
func (g *gitRepo) signedCommit(subject string, files map[string]string, key *openpgp.Entity) plumbing.Hash {
	g.t.Helper()
	wt, err := g.repo.Worktree()
	if err != nil {
		g.t.Fatal(err)
	}
	for name, content := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(g.dir, name)), 0o755); err != nil {
			g.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(g.dir, name), []byte(content), 0o644); err != nil {
			g.t.Fatal(err)
		}
		if _, err := wt.Add(name); err != nil {
			g.t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Now()}
	h, err := wt.Commit(subject, &git.CommitOptions{Author: sig, SignKey: key})
	if err != nil {
		g.t.Fatal(err)
	}
	return h
}

// keyring writes key's public key, armored, and returns the file.
func keyring(t *testing.T, key *openpgp.Entity) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := key.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	file := filepath.Join(t.TempDir(), "keyring.asc")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestSyncVerifiesSignatures: with --verify-signatures, a commit signed by
// a key of the keyring is applied; one unsigned, or signed by another
// key, is refused and the status says so.
func TestSyncVerifiesSignatures(t *testing.T) {
	ns, repo, url := syncFixture(t)
	trusted, err := openpgp.NewEntity("release", "", "release@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := openpgp.NewEntity("stranger", "", "stranger@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	ring := keyring(t, trusted)
	repo.signedCommit("signed", map[string]string{"app/a.yaml": cm("a", "1")}, trusted)
	mustSucceed(t, "sync of a signed commit", syncOnce(t, ns, url, "--verify-signatures", ring))
	for _, c := range []struct {
		subject string
		key     *openpgp.Entity
	}{{"unsigned", nil}, {"signed by a stranger", stranger}} {
		repo.signedCommit(c.subject, map[string]string{"app/a.yaml": cm("a", c.subject)}, c.key)
		if r := syncOnce(t, ns, url, "--verify-signatures", ring); r.code != 1 {
			t.Errorf("%s: exit %d, want 1", c.subject, r.code)
		}
		st := syncStatus(t, ns, "app")
		if len(st.Last.Problems) != 1 || !strings.Contains(st.Last.Problems[0], "not signed by a key of the keyring") {
			t.Errorf("%s: status %+v", c.subject, st.Last)
		}
		if got := jsonpath(t, ns, "configmap/a", "{.data.v}"); got != "1" {
			t.Errorf("%s: configmap/a = %q, want the signed commit's 1", c.subject, got)
		}
	}
}
