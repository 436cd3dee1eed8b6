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
)

// Change is the planned effect of one object.
type Change struct {
	ID     manifests.ObjectID
	Origin manifests.Origin
	Action Action
	// Mapping is the object's resource and scope.
	Mapping *meta.RESTMapping
	// Desired is the object as written, namespaced, with the last-applied
	// annotation kubectl would give it; it is what a create sends.
	Desired *unstructured.Unstructured
	// Live is the object in the cluster, nil when it does not exist.
	Live *unstructured.Unstructured
	// Patch and PatchType are what apply sends for ActionConfigure.
	Patch     []byte
	PatchType types.PatchType
	// Predicted is the object as it will be after apply.
	Predicted *unstructured.Unstructured
}

// ChangeSet is the plan for a whole set, in apply order.
type ChangeSet struct {
	Changes []Change
}
