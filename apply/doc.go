// Package apply executes a plan made by package diff. It sends exactly the
// creates and patches the plan holds, wave by wave in apply order
// (namespaces and CRDs before the objects that need them), with a bounded
// number of concurrent requests within a wave. When a patch loses a race
// with another writer (409 Conflict), the object is planned again from the
// fresh live state and retried, as kubectl does.
//
// A plan with a change the server refuses is not executed at all: Run
// returns a *PlanError before the first write. A change planned as
// ActionReplace (--force) deletes the live object, bound to its uid, waits
// for it to go, and creates it from the manifest.
//
// Run is the whole `converge apply`: load nothing, plan a set, execute it.
// Results come back as values, one Entry per object, in apply order.
package apply
