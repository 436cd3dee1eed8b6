package schemas

import (
	"bytes"
	"context"
	"io"
	"os"
	"sync"

	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// CatalogError is the error of ValidateLoad when the catalog to validate
// against cannot be had. The manifests loaded without problems.
type CatalogError struct {
	Err error
}

// Error returns the message of the catalog's error.
func (e *CatalogError) Error() string { return e.Err.Error() }

// Unwrap returns the catalog's error.
func (e *CatalogError) Unwrap() error { return e.Err }

// ValidateLoad loads the manifests load describes and validates them: the
// Report is the one manifests.Load, base's WithCRDs and Validate would
// give together, CRD problems first, but the set is never held whole.
//
// An object of a built-in kind (one of the newest bundled catalog, which
// has no custom resources) is validated while the manifests load, as soon
// as its file is decoded, and only its manifests.Ref (identity, origin and
// result) is kept;
// while another worker compiles the schema it needs, it is kept whole and
// checked after loading instead, so no worker waits for the compiler.
// CustomResourceDefinitions, and objects of other kinds, which may need a
// CRD of the set (the set's CRDs win over base's schemas), are kept whole
// and validated once every CRD of the set is known. So memory grows with
// the number of objects, not with their bodies. In the rare set where a
// CRD redefines a built-in kind, the set is loaded again and validated
// whole, with stdin replayed from a copy of what was read.
//
// base returns the catalog to validate against, before the set's CRDs are
// added; it is called once, first. load.Visit is replaced. The error is
// manifests.Load's when the manifests do not load; otherwise, when base
// fails, it is a *CatalogError and the Report holds only the loaded Set,
// for its warnings. Report.Set.Refs lists every object in set order;
// Report.Set.Objects holds the objects kept whole.
func ValidateLoad(ctx context.Context, load manifests.Options, base func(context.Context) (*Catalog, error), opts Options) (Report, error) {
	cat, err := base(ctx)
	if err != nil {
		// Problems in the manifests are reported first, as when the
		// catalog is looked up after loading.
		load.Visit = nil
		set, lerr := manifests.Load(ctx, load)
		if lerr != nil {
			return Report{}, lerr
		}
		return Report{Set: set}, &CatalogError{Err: err}
	}
	replay := recordStdin(&load)
	s := newStream(cat, opts)
	load.Visit = func(objs []manifests.Object) []manifests.Visited { return s.visit(ctx, objs) }
	set, err := manifests.Load(ctx, load)
	if err != nil {
		return Report{}, err
	}
	if report, ok := s.finish(ctx, set); ok {
		return report, nil
	}
	load.Visit, load.Stdin = nil, replay()
	return validateWhole(ctx, load, cat, opts)
}

// validateWhole loads the whole set and validates it against cat and the
// set's CRDs.
func validateWhole(ctx context.Context, load manifests.Options, cat *Catalog, opts Options) (Report, error) {
	set, err := manifests.Load(ctx, load)
	if err != nil {
		return Report{}, err
	}
	full, problems := cat.WithCRDs(set)
	res := full.Validate(ctx, set, opts)
	res.Problems = append(problems, res.Problems...)
	return Report{KubernetesVersion: full.KubernetesVersion(), Set: set, Result: res}, nil
}

// recordStdin makes load keep a copy of what it reads from stdin, and
// returns a function that gives a reader of that copy.
func recordStdin(load *manifests.Options) func() io.Reader {
	in := load.Stdin
	if in == nil {
		in = os.Stdin
	}
	var rec bytes.Buffer
	load.Stdin = io.TeeReader(in, &rec)
	return func() io.Reader { return bytes.NewReader(rec.Bytes()) }
}

// stream validates the objects of built-in kinds of a set while it loads.
type stream struct {
	cat  *Catalog
	opts Options
	// builtin has the kinds that need no CRD; nil defers every object.
	builtin *Catalog

	mu sync.Mutex
	// earlyKinds are the kinds of the objects validated while loading.
	earlyKinds map[schema.GroupVersionKind]bool
	// crdKinds are the kinds the CRDs seen while loading define.
	crdKinds map[schema.GroupKind]bool
}

// valid is the note of every object found valid while loading, shared so
// that a valid object costs no note of its own.
var valid = &objectResult{done: true}

func newStream(cat *Catalog, opts Options) *stream {
	builtin, err := Bundled("")
	if err != nil {
		builtin = nil // every object waits for the set's CRDs
	}
	return &stream{cat: cat, opts: opts, builtin: builtin, earlyKinds: map[schema.GroupVersionKind]bool{}, crdKinds: map[schema.GroupKind]bool{}}
}

// isEarly reports whether objects of gvk can be validated before the
// set's CRDs are known.
func (s *stream) isEarly(ctx context.Context, gvk schema.GroupVersionKind) bool {
	if gvk == crdKind {
		return false
	}
	if s.builtin != nil && s.builtin.Has(gvk) {
		return true
	}
	// A kind whose schema a local --schema-location has, unless a CRD
	// seen so far defines it: as for a built-in kind, a CRD of the set
	// that defines it sends the set to validateWhole. Remote locations
	// are left to finish, so that a kind a CRD of the set defines is
	// never fetched.
	s.mu.Lock()
	defined := s.crdKinds[gvk.GroupKind()]
	s.mu.Unlock()
	return !defined && s.cat.locatesLocally(ctx, gvk)
}

// noteCRD remembers the kind a CRD of the set defines.
func (s *stream) noteCRD(o manifests.Object) {
	group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
	kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
	s.mu.Lock()
	s.crdKinds[schema.GroupKind{Group: group, Kind: kind}] = true
	s.mu.Unlock()
}

// visit is the manifests.Options.Visit hook: it validates the objects of
// built-in kinds of one source, notes each result in the object's Ref and
// lets the object go. It runs concurrently for the files of a directory,
// in the loader's workers. An object whose schema another worker is
// compiling at that moment is kept whole and checked in finish, so that
// this worker goes on decoding instead of waiting.
func (s *stream) visit(ctx context.Context, objs []manifests.Object) []manifests.Visited {
	out := make([]manifests.Visited, len(objs))
	kinds := map[schema.GroupVersionKind]bool{}
	for _, o := range objs {
		if o.GroupVersionKind() == crdKind {
			s.noteCRD(o)
		}
	}
	for i, o := range objs {
		gvk := o.GroupVersionKind()
		if !s.isEarly(ctx, gvk) || s.cat.compileBusy(gvk) || ctx.Err() != nil {
			out[i].Keep = true
			continue
		}
		r := s.cat.validateObject(ctx, o, s.opts)
		out[i].Note = valid
		if r.missing || len(r.problems) > 0 {
			out[i].Note = &r
		}
		kinds[gvk] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for gvk := range kinds {
		s.earlyKinds[gvk] = true
	}
	return out
}

// finish validates the objects kept whole against the catalog with the
// set's CRDs, and merges all results in set order. It returns false when a
// CRD of the set defines a kind that was validated early, or when the set
// does not hold what visit kept.
func (s *stream) finish(ctx context.Context, set manifests.Set) (Report, bool) {
	results := make([]objectResult, len(set.Refs))
	var at []int // the index in set.Refs of each object kept whole
	for i, ref := range set.Refs {
		if r, ok := ref.Note.(*objectResult); ok {
			results[i] = *r
		} else {
			at = append(at, i)
		}
	}
	if len(at) != len(set.Objects) {
		return Report{}, false // not what visit kept: validate the set whole
	}
	full, crdProblems, kinds := s.cat.withCRDs(manifests.Set{Objects: set.Objects})
	for gvk := range kinds {
		if s.earlyKinds[gvk] {
			return Report{}, false
		}
	}
	for j, r := range full.validateEach(ctx, set.Objects, s.opts) {
		results[at[j]] = r
	}
	res := summarize(func(i int) manifests.ObjectID { return set.Refs[i].ID }, results, s.opts)
	res.Problems = append(crdProblems, res.Problems...)
	return Report{KubernetesVersion: full.KubernetesVersion(), Set: set, Result: res}, true
}
