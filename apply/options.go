package apply

import (
	"time"

	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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
	// Force deletes and re-creates an object whose change the server
	// refuses to make in place, as kubectl apply --force.
	Force bool
	// Timeout bounds the wait for a deleted object to go, with Force; 0
	// means DefaultTimeout.
	Timeout time.Duration
	// ServerSide applies with server-side apply, owned by FieldManager.
	ServerSide bool
	// ForceConflicts, with ServerSide, takes over fields other managers
	// own.
	ForceConflicts bool
	// Memo remembers server verdicts across runs; nil remembers none.
	Memo diff.Memo
	// Planned, when set, is called with the plan before anything is
	// written, such as to warn of changes the server could not verify.
	Planned func(diff.ChangeSet)
	// ApplySet, when set, makes every object a member of that set (the
	// part-of label, kept out of the last-applied annotation) and prunes
	// the members the manifests no longer hold.
	ApplySet *applyset.Parent
	// SkipPrune, with ApplySet, keeps the set's membership and its
	// parent's kinds but deletes nothing.
	SkipPrune bool
	// PruneAllowEmpty lets an empty set prune every member.
	PruneAllowEmpty bool
	// ShowPruned reads the members to prune whole, for a preview;
	// otherwise only their metadata is listed.
	ShowPruned bool
	// PruneAllow names the kinds, by resource (namespaces,
	// customresourcedefinitions), that prune may delete although their
	// deletion takes everything inside them.
	PruneAllow []string
	// Cascade is how a pruned object's dependents go: background (the
	// default), foreground or orphan.
	Cascade metav1.DeletionPropagation
	// Selector, a label selector, limits prune to the members it matches,
	// as the set was limited to the objects it matches.
	Selector string
	// Version is converge's version, for the ApplySet tooling annotation.
	Version string
	// ChangeCause is written as kubernetes.io/change-cause on every object
	// the apply creates or changes, outside the last-applied annotation;
	// an object whose manifest sets one keeps it. "" writes none.
	ChangeCause string
	// KeepObjects keeps each object as the server returned it in its
	// Entry, for -o json|yaml.
	KeepObjects bool
	// Wait waits, after a successful apply, until every applied object is
	// healthy by kstatus, or Timeout (DefaultWaitTimeout when 0).
	Wait bool
	// WaitProgress, when set, is called with every object's health each
	// time one changes while waiting.
	WaitProgress func([]Health)
	// Progress, when set, is called after each wave with its entries, in
	// apply order, so a long apply shows its progress.
	Progress func([]Entry)
}

// DefaultTimeout bounds the wait for an object deleted by --force to go,
// and for a CRD to be established.
const DefaultTimeout = 2 * time.Minute

// DefaultWaitTimeout bounds the wait for health, with Wait.
const DefaultWaitTimeout = 5 * time.Minute

// manager returns the field manager, defaulted.
func (o Options) manager() string {
	if o.FieldManager == "" {
		return DefaultFieldManager
	}
	return o.FieldManager
}

// Entry is the outcome for one object.
type Entry struct {
	ID     manifests.ObjectID
	Origin manifests.Origin
	Action diff.Action
	// Err is set when the object failed; it is a *manifests.ObjectError.
	Err error
	// Object is the object as the server returned it (the live object
	// when unchanged), with Options.KeepObjects.
	Object *unstructured.Unstructured
	// Fate, with Err, says whether the request failed, was never sent,
	// or was sent and its answer lost.
	Fate Fate
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

// concurrency returns Options.Concurrency, defaulted.
func (x *Executor) concurrency() int {
	if x.Options.Concurrency <= 0 {
		return diff.DefaultConcurrency
	}
	return x.Options.Concurrency
}
