package diff

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFileMemo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "verdicts", "cluster")
	key := func(c byte) string { return strings.Repeat(string(c), 64) }

	m, err := OpenFileMemo(path)
	if err != nil {
		t.Fatal(err)
	}
	m.RememberUnchanged(key('a'))
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	// Another run adds its own verdict meanwhile; a save merges both.
	other, err := OpenFileMemo(path)
	if err != nil {
		t.Fatal(err)
	}
	other.RememberUnchanged(key('b'))
	if err := other.Save(); err != nil {
		t.Fatal(err)
	}
	m.RememberUnchanged(key('c'))
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	// Lines that are not verdicts are skipped.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("garbage\nshort 12\n" + key('d') + " notatime\n")
	f.Close()

	got, err := OpenFileMemo(path)
	if err != nil {
		t.Fatal(err)
	}
	var have []bool
	for _, c := range []byte("abcd") {
		have = append(have, got.Unchanged(key(c)))
	}
	if diff := cmp.Diff([]bool{true, true, true, false}, have); diff != "" {
		t.Errorf("verdicts a, b, c, d (-want +got):\n%s", diff)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("memo file mode %o, want 600", perm)
	}
}

func TestOpenFileMemoMissing(t *testing.T) {
	m, err := OpenFileMemo(filepath.Join(t.TempDir(), "none"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 0 {
		t.Errorf("a missing memo file holds %d verdicts, want 0", m.Len())
	}
}

func TestMemoryMemoConcurrent(t *testing.T) {
	m := NewMemoryMemo()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				key := fmt.Sprintf("%d-%d", w, i)
				m.RememberUnchanged(key)
				if !m.Unchanged(key) {
					t.Errorf("key %s not remembered", key)
				}
			}
		})
	}
	wg.Wait()
	if m.Len() != 800 {
		t.Errorf("memo holds %d verdicts, want 800", m.Len())
	}
}
