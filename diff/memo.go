package diff

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// memoVersion changes whenever what decides a verdict changes (the local
// normalisation, the comparison), so that a memo written by an older
// converge is never trusted.
const memoVersion = "converge-verdict-v1"

// Memo remembers the patches a server dry run found to change nothing, so
// that a sync loop or a repeated diff pays for each verification once. Its
// keys name the cluster, the live object's uid and resourceVersion, and the
// exact patch: when any of them changes, the verdict is asked for again.
// Implementations are safe for concurrent use.
type Memo interface {
	// Unchanged reports whether key was found to change nothing.
	Unchanged(key string) bool
	// RememberUnchanged records that key changes nothing.
	RememberUnchanged(key string)
}

// MemoryMemo is a Memo held in memory, for one process: the CLI between
// its plans, or a long-running sync loop.
type MemoryMemo struct {
	mu   sync.Mutex
	keys map[string]time.Time
}

// NewMemoryMemo returns an empty MemoryMemo.
func NewMemoryMemo() *MemoryMemo {
	return &MemoryMemo{keys: map[string]time.Time{}}
}

// Unchanged implements Memo.
func (m *MemoryMemo) Unchanged(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.keys[key]
	return ok
}

// RememberUnchanged implements Memo.
func (m *MemoryMemo) RememberUnchanged(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys[key] = time.Now()
}

// Len returns how many verdicts the memo holds.
func (m *MemoryMemo) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.keys)
}

// memoKey is the key of a configured change: the cluster, the resource and
// name, the live object's uid and resourceVersion, and the patch. The uid
// is random per object, so a key reveals nothing of a patch to whoever
// cannot already read the object.
func memoKey(host string, c Change) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00", memoVersion, host,
		c.Mapping.Resource.String(), c.ID.Namespace, c.ID.Name,
		c.Live.GetUID(), c.Live.GetResourceVersion(), c.PatchType)
	h.Write(c.Patch)
	return hex.EncodeToString(h.Sum(nil))
}
