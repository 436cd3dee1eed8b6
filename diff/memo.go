package diff

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// memoVersion changes whenever what decides a verdict changes (the local
// normalisation, the comparison), so that a memo written by an older
// converge is never trusted.
const memoVersion = "converge-verdict-v1"

// Memo remembers the objects found to be unchanged (by an empty patch, the
// canonical comparison or a server dry run), so that a sync loop or a
// repeated diff or apply pays for each verification once, and reads only
// the metadata of the objects it already knows. Its
// keys name the cluster, the live object's uid and resourceVersion, and the
// desired object: when any of them changes, the verdict is found again.
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

// Unchanged implements Memo. A verdict found is marked as used now, so the
// verdicts in use are the last to go when the memo is trimmed.
func (m *MemoryMemo) Unchanged(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.keys[key]
	if ok {
		m.keys[key] = time.Now()
	}
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

// memoKey is the key of a change: the cluster, the resource and name, the
// version of the live object that a patch can touch (see liveVersion), and
// the desired object as kubectl serialises it (modified). These decide the
// patch and its effect. The uid is random per object, so a key reveals
// nothing of the object to whoever cannot already read it.
func memoKey(host string, c Change, modified []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00", memoVersion, host,
		c.Mapping.Resource.String(), c.ID.Namespace, c.ID.Name, c.Live.GetUID())
	liveVersion(h, c.Live)
	h.Write(modified)
	return hex.EncodeToString(h.Sum(nil))
}

// liveVersion writes what identifies the live object's content apart from
// its status. An object whose server tracks metadata.generation (bumped on
// every change but to metadata and status) is identified by its generation
// and its metadata, so a controller's status updates, which change the
// resourceVersion all the time, keep the verdict. Any other object is
// identified by its resourceVersion.
func liveVersion(w io.Writer, live *unstructured.Unstructured) {
	g := live.GetGeneration()
	if g <= 0 {
		fmt.Fprintf(w, "rv %s\x00", live.GetResourceVersion())
		return
	}
	fmt.Fprintf(w, "generation %d\x00", g)
	enc := json.NewEncoder(w)
	for _, v := range []any{live.GetLabels(), live.GetAnnotations(), live.GetFinalizers(),
		live.GetOwnerReferences(), live.GetDeletionTimestamp() != nil} {
		_ = enc.Encode(v) // maps encode with sorted keys
	}
}
