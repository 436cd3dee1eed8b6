package diff

import (
	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// Action is what applying a change does to the cluster. Its value is the
// word kubectl prints.
type Action string

// The actions a change can have.
const (
	ActionCreate    Action = "created"
	ActionConfigure Action = "configured"
	ActionUnchanged Action = "unchanged"
	ActionPrune     Action = "pruned"
	// ActionReplace deletes the object and creates it again, for a change
	// to a field the server will not update in place (with --force).
	ActionReplace Action = "replaced"
	// ActionRefused is a change the server refuses: nothing is sent.
	ActionRefused Action = "refused"
)

// Check says how the prediction of a change was settled.
type Check string

// The ways a prediction is settled.
const (
	// CheckLocal: the local prediction is certain (a create, or a patch
	// that is empty once normalised).
	CheckLocal Check = ""
	// CheckServer: a server dry run of the very request apply sends.
	CheckServer Check = "server"
	// CheckMemo: a verdict remembered from an earlier server dry run.
	CheckMemo Check = "memo"
	// CheckUnverified: the server refused the dry run itself (RBAC, an
	// old server, a webhook without dry-run support), so the local
	// prediction stands unconfirmed; Change.Unverified says why.
	CheckUnverified Check = "unverified"
)

// Change is the planned effect of one object.
type Change struct {
	ID     manifests.ObjectID
	Origin manifests.Origin
	Action Action
	// Mapping is the object's resource and scope.
	Mapping *meta.RESTMapping
	// Desired is the object as written, namespaced, with the last-applied
	// annotation kubectl would give it and without null fields, as kubectl
	// sends it; it is what a create sends.
	Desired *unstructured.Unstructured
	// Live is the object in the cluster, nil when it does not exist. For a
	// change settled by the memo (CheckMemo) it may hold only the metadata.
	Live *unstructured.Unstructured
	// Patch and PatchType are what apply sends for ActionConfigure.
	Patch     []byte
	PatchType types.PatchType
	// Predicted is the object as it will be after apply.
	Predicted *unstructured.Unstructured
	// Check says how Predicted was settled.
	Check Check
	// Unverified is why the server could not be asked, for
	// CheckUnverified.
	Unverified string
	// Refusal is the server's reason, for ActionRefused, and for
	// ActionReplace the reason the object cannot be updated in place.
	Refusal *RefusedError
	// ServerSide is true when the change is a server-side apply: with
	// Options.ServerSide, or for an object too large for the last-applied
	// annotation (Warning says so).
	ServerSide bool
	// Migrate, for a server-side apply to an object managed by
	// client-side apply, is the JSON patch that first hands the client-side
	// managers' fields to the field manager.
	Migrate []byte
	// Pending is true for a custom resource whose kind a CRD of the same
	// set defines and the cluster does not serve yet.
	Pending bool
	// Warning is something the user should know about the change.
	Warning string
	// memoKey is the change's key in Planner.Options.Memo, "" if none.
	memoKey string
}

// ChangeSet is the plan for a whole set, in apply order.
type ChangeSet struct {
	Changes []Change
}

// Refused returns the changes the server refuses.
func (cs ChangeSet) Refused() []Change {
	return cs.filter(func(c Change) bool { return c.Action == ActionRefused })
}

// Unverified returns the changes whose local prediction the server could
// not be asked to confirm.
func (cs ChangeSet) Unverified() []Change {
	return cs.filter(func(c Change) bool { return c.Check == CheckUnverified })
}

// Checks counts the changes settled each way.
func (cs ChangeSet) Checks() map[Check]int {
	n := map[Check]int{}
	for _, c := range cs.Changes {
		n[c.Check]++
	}
	return n
}

func (cs ChangeSet) filter(keep func(Change) bool) []Change {
	var out []Change
	for _, c := range cs.Changes {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}
