package schemas

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"

	"github.com/convergehq/converge/internal/parallel"
	"github.com/convergehq/converge/manifests"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"k8s.io/client-go/kubernetes/scheme"
)

// Options tune validation. The zero value checks leniently with
// GOMAXPROCS goroutines; converge validate sets Strict unless told not to.
type Options struct {
	// Strict makes unknown fields errors, as kubectl --validate=strict.
	// Without it, unknown fields are accepted (the API server drops them)
	// and every other check still applies.
	Strict bool
	// IgnoreMissingSchemas counts objects of kinds without a schema in
	// Result.Missing instead of reporting them as problems.
	IgnoreMissingSchemas bool
	// Concurrency is how many objects are checked at once; 0 means
	// GOMAXPROCS.
	Concurrency int
}

// Result is the outcome of validating a set.
type Result struct {
	// Problems lists every problem of every object, in the order of the
	// set, and by field within an object.
	Problems []Problem
	// Checked counts the objects that were checked: every object not in
	// Missing (an object without a schema that is not ignored is checked,
	// and fails).
	Checked int
	// Missing lists, with Options.IgnoreMissingSchemas, the objects that
	// have no schema and so were not checked, in set order.
	Missing []manifests.ObjectID
}

// Unfetched counts the objects whose schema could not be fetched from a
// --schema-location: each has one Problem, marked Unavailable, and was not
// checked.
func (r Result) Unfetched() int {
	n := 0
	for _, p := range r.Problems {
		if p.Unavailable {
			n++
		}
	}
	return n
}

// Validator checks a set of objects against schemas. *Catalog implements
// it.
type Validator interface {
	Validate(ctx context.Context, set manifests.Set, opts Options) Result
}

var _ Validator = (*Catalog)(nil)

// objectResult is the outcome for one object.
type objectResult struct {
	done     bool
	missing  bool
	problems []Problem
}

// Validate checks every object of set, concurrently, and returns all their
// problems. When ctx ends, objects not yet checked are left out of Checked
// and Problems; the caller can tell from ctx.Err().
func (c *Catalog) Validate(ctx context.Context, set manifests.Set, opts Options) Result {
	id := func(i int) manifests.ObjectID { return set.Objects[i].ID() }
	return summarize(id, c.validateEach(ctx, set.Objects, opts), opts)
}

// validateEach checks objs concurrently; the result of objs[i] is at index
// i. Objects not checked before ctx ended are not done.
func (c *Catalog) validateEach(ctx context.Context, objs []manifests.Object, opts Options) []objectResult {
	n := len(objs)
	results := make([]objectResult, n)
	workers := opts.Concurrency
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	parallel.Do(workers, n, func(i int) {
		if ctx.Err() == nil {
			results[i] = c.validateObject(ctx, objs[i], opts)
		}
	})
	return results
}

// summarize turns the results of a set's objects, index by index, into a
// Result; id gives the ID of object i.
func summarize(id func(i int) manifests.ObjectID, results []objectResult, opts Options) Result {
	var res Result
	for i, r := range results {
		switch {
		case !r.done:
		case r.missing && opts.IgnoreMissingSchemas:
			res.Missing = append(res.Missing, id(i))
		default:
			res.Checked++
			res.Problems = append(res.Problems, r.problems...)
		}
	}
	return res
}

// validateObject checks one object against the schema of its kind.
func (c *Catalog) validateObject(ctx context.Context, o manifests.Object, opts Options) objectResult {
	gvk := o.GroupVersionKind()
	problem := func(path, reason string) Problem {
		return Problem{ID: o.ID(), Origin: o.Origin, Path: path, Reason: reason}
	}
	sch, err := c.schemaAt(ctx, gvk)
	if le, ok := errors.AsType[*LocationError](err); ok {
		p := problem("", le.Error())
		p.Unavailable = le.Fetch
		return objectResult{done: true, problems: []Problem{p}}
	}
	if err != nil {
		return objectResult{done: true, problems: []Problem{problem("", fmt.Sprintf("cannot compile the schema of %s: %v", gvk, err))}}
	}
	if sch == nil {
		return objectResult{done: true, missing: true, problems: []Problem{problem("", c.missingReason(ctx, gvk))}}
	}
	var root any = o.Object
	if hasNull(root) {
		root = pruneNulls(root, sch)
	}
	var found []issue
	if err := sch.Validate(root); err != nil {
		var verr *jsonschema.ValidationError
		if !errors.As(err, &verr) {
			return objectResult{done: true, problems: []Problem{problem("", err.Error())}}
		}
		w := walker{root: root, strict: opts.Strict, secret: gvk.GroupKind() == secretKind,
			builtin: !c.custom(gvk) && scheme.Scheme.Recognizes(gvk)}
		found = w.issues(verr, nil)
	}
	found = append(found, metaIssues(o, c.custom(gvk))...)
	if len(found) == 0 {
		return objectResult{done: true}
	}
	slices.SortStableFunc(found, compareIssues)
	problems := make([]Problem, len(found))
	for i, is := range found {
		problems[i] = problem(renderPath(root, is.loc), is.reason)
	}
	return objectResult{done: true, problems: problems}
}
