package history

import (
	"fmt"
	"time"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/diff"
)

// Result is how a revision's apply ended.
type Result string

// The results a revision can have.
const (
	// ResultApplied: every object was applied (and pruned).
	ResultApplied Result = "applied"
	// ResultFailed: the apply started and some object failed; the
	// revision records what was attempted.
	ResultFailed Result = "failed"
	// ResultUndo: `converge undo` applied an earlier revision's set again;
	// Revision.UndoOf names it.
	ResultUndo Result = "undo"
)

// Counts are what an apply did to the set's objects.
type Counts struct {
	Created    int `json:"created"`
	Configured int `json:"configured"`
	Unchanged  int `json:"unchanged"`
	Pruned     int `json:"pruned"`
	Failed     int `json:"failed,omitempty"`
}

// Changed reports whether the apply changed anything in the cluster.
func (c Counts) Changed() bool { return c.Created+c.Configured+c.Pruned > 0 }

// CountsOf counts the entries of an apply by their action; a replaced
// object counts as configured.
func CountsOf(res apply.Result) Counts {
	var c Counts
	for _, e := range res.Entries {
		switch {
		case e.Err != nil:
			c.Failed++
		case e.Action == diff.ActionCreate:
			c.Created++
		case e.Action == diff.ActionConfigure || e.Action == diff.ActionReplace:
			c.Configured++
		case e.Action == diff.ActionPrune:
			c.Pruned++
		case e.Action == diff.ActionUnchanged:
			c.Unchanged++
		}
	}
	return c
}

// Settings are the apply settings a revision was made with; undo applies
// the recorded set the same way.
type Settings struct {
	// Namespace is the namespace of the set's objects that name none.
	Namespace string `json:"namespace"`
	// ServerSide and FieldManager are --server-side and --field-manager.
	ServerSide     bool   `json:"serverSide,omitempty"`
	ForceConflicts bool   `json:"forceConflicts,omitempty"`
	FieldManager   string `json:"fieldManager,omitempty"`
	// Selector is -l: the set was limited to, and pruned within, it.
	Selector string `json:"selector,omitempty"`
}

// Revision is one recorded apply of an ApplySet. It is stored, as JSON,
// on the revision's Secret; the rendered set is stored beside it.
type Revision struct {
	// Number counts the set's revisions from 1, rolling forward.
	Number int `json:"revision"`
	// Time is when the apply ended.
	Time time.Time `json:"time"`
	// User is who applied it, as the API server authenticated them.
	User string `json:"user,omitempty"`
	// Source is where the manifests came from.
	Source Source `json:"source"`
	// ChangeCause is the kubernetes.io/change-cause the apply wrote.
	ChangeCause string `json:"changeCause,omitempty"`
	// Counts are what the apply did.
	Counts Counts `json:"counts"`
	// Result is how it ended; UndoOf names the revision an undo applied.
	Result Result `json:"result"`
	UndoOf int    `json:"undoOf,omitempty"`
	// Settings are how the set was applied.
	Settings Settings `json:"settings"`
	// Objects is the number of objects in the set.
	Objects int `json:"objects"`
	// Digest is the SHA-256 of the set's objects, in hex.
	Digest string `json:"digest"`
	// Parts is the number of Secrets the compressed set is split across.
	Parts int `json:"parts"`
}

// ResultText is the RESULT column: "applied", "failed" or "undo of N".
func (r Revision) ResultText() string {
	switch {
	case r.Result == ResultUndo:
		return fmt.Sprintf("undo of %d", r.UndoOf)
	case r.UndoOf > 0:
		return fmt.Sprintf("%s undo of %d", r.Result, r.UndoOf)
	}
	return string(r.Result)
}
