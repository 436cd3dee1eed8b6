package diff

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MemoLimit bounds how many verdicts a FileMemo keeps; the oldest go first.
const MemoLimit = 50000

// FileMemo is a MemoryMemo loaded from a file and saved back to it, so that
// successive CLI runs share their verdicts. The file holds one line per
// verdict: the key (a SHA-256) and the Unix time it was found.
type FileMemo struct {
	*MemoryMemo
	path string
}

// DefaultMemoPath is the memo file of the cluster at host, in the user
// cache dir: $XDG_CACHE_HOME/converge/verdicts/HASH.
func DefaultMemoPath(host string) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(host))
	return filepath.Join(dir, "converge", "verdicts", hex.EncodeToString(sum[:8])), nil
}

// OpenFileMemo reads the memo at path; a missing file is an empty memo.
// Lines it cannot read are skipped: the memo is only a cache.
func OpenFileMemo(path string) (*FileMemo, error) {
	m := &FileMemo{MemoryMemo: NewMemoryMemo(), path: path}
	if err := m.merge(); err != nil {
		return nil, err
	}
	return m, nil
}

// merge adds the verdicts of the file to the memory.
func (m *FileMemo) merge() error {
	data, err := os.ReadFile(m.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read memo %s: %w", m.path, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, at, ok := strings.Cut(sc.Text(), " ")
		sec, err := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil || len(key) != sha256.Size*2 {
			continue
		}
		if t := time.Unix(sec, 0); t.After(m.keys[key]) {
			m.keys[key] = t
		}
	}
	return nil
}

// Save writes the memo back, merged with what other runs wrote meanwhile,
// keeping the newest MemoLimit verdicts. The file is replaced atomically
// and readable by its owner only.
func (m *FileMemo) Save() error {
	if err := m.merge(); err != nil {
		return err
	}
	m.mu.Lock()
	keys := make([]string, 0, len(m.keys))
	for k := range m.keys {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return m.keys[b].Compare(m.keys[a]) })
	if len(keys) > MemoLimit {
		keys = keys[:MemoLimit]
	}
	var b bytes.Buffer
	for _, k := range keys {
		fmt.Fprintf(&b, "%s %d\n", k, m.keys[k].Unix())
	}
	m.mu.Unlock()
	return writeFileAtomic(m.path, b.Bytes())
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save memo: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".partial-*")
	if err != nil {
		return fmt.Errorf("save memo: %w", err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save memo %s: %w", path, err)
	}
	return nil
}
