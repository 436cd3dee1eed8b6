package diff

import (
	"context"

	"github.com/convergehq/converge/internal/parallel"
	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// planFromMemo settles, before any full object is read, the prepared
// changes whose verdict the memo holds: it lists only the metadata of the
// set's resources (what a memo key needs of the live object), and marks a
// change unchanged when the memo knows its desired form against that very
// live object. It returns the indexes of the other changes that prepared
// without error, which are planned in full. Without a memo it settles
// nothing.
func (p *Planner) planFromMemo(ctx context.Context, changes []Change, modified [][]byte, errs []error) []int {
	var rest []int
	for i, err := range errs {
		if err == nil {
			rest = append(rest, i)
		}
	}
	if p.Options.Memo == nil || p.Clients.Metadata == nil {
		return rest
	}
	if sized, ok := p.Options.Memo.(interface{ Len() int }); ok && sized.Len() == 0 {
		return rest // a first run: nothing to find
	}
	index := p.prefetchMetadata(ctx, changes, rest)
	p.metaListed = index
	settled := make([]bool, len(rest))
	parallel.Do(p.concurrency(), len(rest), func(j int) {
		i := rest[j]
		settled[j] = p.fromMemo(&changes[i], modified[i], index)
	})
	var left []int
	for j, i := range rest {
		if !settled[j] {
			left = append(left, i)
		}
	}
	return left
}

// fromMemo marks the prepared change c unchanged when the memo holds the
// verdict for its desired form against its listed live metadata. c.Live
// then holds only the metadata.
func (p *Planner) fromMemo(c *Change, modified []byte, index *liveIndex) bool {
	if c.ID.Name == "" || isSecret(c.Desired) {
		return false
	}
	live, listed := index.lookup(c.Mapping, c.ID.Namespace, c.ID.Name)
	if !listed || live == nil {
		return false
	}
	cand := *c
	cand.Live = live
	if !p.Options.Memo.Unchanged(memoKey(p.Clients.Config.Host, cand, modified)) {
		return false
	}
	cand.Action, cand.Predicted, cand.Check = ActionUnchanged, live, CheckMemo
	*c = cand
	return true
}

// prefetchMetadata lists the metadata of every resource and namespace of
// the prepared changes at indexes, as prefetch lists whole objects.
func (p *Planner) prefetchMetadata(ctx context.Context, changes []Change, indexes []int) *liveIndex {
	objs := make([]manifests.Object, len(indexes))
	for j, i := range indexes {
		objs[j] = manifests.Object{Unstructured: changes[i].Desired, Origin: changes[i].Origin}
	}
	return p.prefetchWith(ctx, objs, 1, p.listMetadata)
}

// listMetadata reads the metadata of every object of a resource in a
// namespace, by name, as objects that hold only apiVersion, kind and the
// metadata a memo key needs (see liveVersion); nil when the LIST fails.
func (p *Planner) listMetadata(ctx context.Context, m *meta.RESTMapping, ns string) map[string]*unstructured.Unstructured {
	return p.listByName(ctx, m, ns, false)
}

// pick returns the objects at the indexes.
func pick(objs []manifests.Object, indexes []int) []manifests.Object {
	out := make([]manifests.Object, len(indexes))
	for j, i := range indexes {
		out[j] = objs[i]
	}
	return out
}
