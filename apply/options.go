package apply

import (
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
)

// DryRun says whether changes are persisted, following kubectl's
// --dry-run=none|client|server.
type DryRun string

// The dry-run strategies.
const (
	DryRunNone   DryRun = "none"
	DryRunClient DryRun = "client"
	DryRunServer DryRun = "server"
)

// DefaultFieldManager names converge in managedFields.
const DefaultFieldManager = "converge"

// Options configure an apply.
type Options struct {
	// Concurrency bounds parallel requests within a wave.
	Concurrency int
	// DryRun, when client or server, persists nothing.
	DryRun DryRun
	// FieldManager is recorded in managedFields.
	FieldManager string
	// Progress, when set, is called after each wave with its entries, in
	// apply order, so a long apply shows its progress.
	Progress func([]Entry)
}

// Entry is the outcome for one object.
type Entry struct {
	ID     manifests.ObjectID
	Origin manifests.Origin
	Action diff.Action
	// Err is set when the object failed; it is a *manifests.ObjectError.
	Err error
}

// Result is the outcome of an apply, in apply order.
type Result struct {
	Entries []Entry
}

// Failed returns the entries that failed.
func (r Result) Failed() []Entry {
	var out []Entry
	for _, e := range r.Entries {
		if e.Err != nil {
			out = append(out, e)
		}
	}
	return out
}
