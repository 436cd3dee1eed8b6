package diff

import (
	"sort"

	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/manifests"
)

// PlanPrune returns a prune change for every member of an ApplySet that the
// plan cs does not hold, in prune order: the reverse of apply order
// (custom resources and workloads first, Namespaces last), then by ID.
func PlanPrune(cs ChangeSet, members []applyset.Member) []Change {
	keep := make(map[manifests.ObjectID]bool, len(cs.Changes))
	for _, c := range cs.Changes {
		keep[c.ID] = true
	}
	var out []Change
	for _, m := range members {
		if keep[m.ID] || m.Object.GetDeletionTimestamp() != nil {
			continue
		}
		out = append(out, Change{ID: m.ID, Action: ActionPrune, Mapping: m.Mapping, Live: m.Object})
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := manifests.Rank(out[i].ID), manifests.Rank(out[j].ID)
		if ri != rj {
			return ri > rj
		}
		return out[i].ID.String() < out[j].ID.String()
	})
	return out
}

// Pruned returns the changes that delete an object.
func (cs ChangeSet) Pruned() []Change {
	return cs.filter(func(c Change) bool { return c.Action == ActionPrune })
}
