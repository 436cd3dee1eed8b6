package diff

import (
	"reflect"

	"github.com/convergehq/converge/manifests"
)

// Compare plans, offline, the change from one rendered set to another,
// such as two revisions of an ApplySet: an object only in head is a
// create, one only in base a prune, one in both with any difference a
// configure. Live holds the base side and Predicted the head side, so
// NewReport shows and masks it as it does a plan. Objects are matched by
// identity as written, without defaulting their namespaces.
func Compare(base, head []manifests.Object) ChangeSet {
	byID := make(map[manifests.ObjectID]manifests.Object, len(base))
	for _, o := range base {
		byID[o.ID()] = o
	}
	var cs ChangeSet
	for _, o := range head {
		c := Change{ID: o.ID(), Origin: o.Origin, Action: ActionCreate, Desired: o.Unstructured, Predicted: o.Unstructured}
		if old, ok := byID[c.ID]; ok {
			delete(byID, c.ID)
			c.Live, c.Action = old.Unstructured, ActionConfigure
			if reflect.DeepEqual(old.Object, o.Object) {
				c.Action = ActionUnchanged
			}
		}
		cs.Changes = append(cs.Changes, c)
	}
	for _, o := range base {
		if _, ok := byID[o.ID()]; ok {
			cs.Changes = append(cs.Changes, Change{ID: o.ID(), Origin: o.Origin, Action: ActionPrune, Live: o.Unstructured})
		}
	}
	return cs
}

// Relabel names the two sides of every entry's unified diff, such as
// "revision 1" and "revision 2" instead of live and predicted.
func (r Report) Relabel(from, to string) Report {
	for i := range r.Entries {
		r.Entries[i].FromLabel, r.Entries[i].ToLabel = from, to
	}
	return r
}
