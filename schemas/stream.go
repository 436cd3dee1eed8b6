package schemas

import (
	"bytes"
	"context"
	"io"
	"os"
	"slices"
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
// as its file is decoded, and only its manifests.Object.Stub is kept;
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
// for its warnings. Report.Set lists every object in set order, stubs
// included.
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
	load.Visit = func(objs []manifests.Object) []manifests.Object { return s.visit(ctx, objs) }
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
	// early holds the result of each object validated while loading, by
	// its stub.
	early map[*unstructured.Unstructured]objectResult
}

func newStream(cat *Catalog, opts Options) *stream {
	builtin, err := Bundled("")
	if err != nil {
		builtin = nil // every object waits for the set's CRDs
	}
	return &stream{cat: cat, opts: opts, builtin: builtin, early: map[*unstructured.Unstructured]objectResult{}}
}

// isEarly reports whether objects of gvk can be validated before the
// set's CRDs are known.
func (s *stream) isEarly(gvk schema.GroupVersionKind) bool {
	return gvk != crdKind && s.builtin != nil && s.builtin.Has(gvk)
}

// visit is the manifests.Options.Visit hook: it validates the objects of
// built-in kinds of one source and replaces them by their stubs. It runs
// concurrently for the files of a directory. An object whose schema
// another worker is compiling at that moment is kept whole and checked in
// finish, so that this worker goes on decoding instead of waiting.
func (s *stream) visit(ctx context.Context, objs []manifests.Object) []manifests.Object {
	var now []manifests.Object
	var at []int
	for i, o := range objs {
		if gvk := o.GroupVersionKind(); s.isEarly(gvk) && !s.cat.compileBusy(gvk) {
			now = append(now, o)
			at = append(at, i)
		}
	}
	// The loader already decodes files in parallel: check this file's
	// objects here, in the worker whose stack has grown for it.
	results := make([]objectResult, len(now))
	for j, o := range now {
		if ctx.Err() != nil {
			break
		}
		results[j] = s.cat.validateObject(o, s.opts)
	}
	out := slices.Clone(objs)
	for _, i := range at {
		out[i] = objs[i].Stub()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for j, i := range at {
		s.early[out[i].Unstructured] = results[j]
	}
	return out
}

// finish validates the objects kept whole against the catalog with the
// set's CRDs, and merges all results in set order. It returns false when a
// CRD of the set defines a kind that was validated early.
func (s *stream) finish(ctx context.Context, set manifests.Set) (Report, bool) {
	results := make([]objectResult, len(set.Objects))
	var whole []manifests.Object
	var at []int
	for i, o := range set.Objects {
		if r, ok := s.early[o.Unstructured]; ok {
			results[i] = r
			continue
		}
		whole = append(whole, o)
		at = append(at, i)
	}
	full, crdProblems, kinds := s.cat.withCRDs(manifests.Set{Objects: whole})
	for _, o := range set.Objects {
		if _, ok := s.early[o.Unstructured]; ok && kinds[o.GroupVersionKind()] {
			return Report{}, false
		}
	}
	for j, r := range full.validateEach(ctx, whole, s.opts) {
		results[at[j]] = r
	}
	res := summarize(set.Objects, results, s.opts)
	res.Problems = append(crdProblems, res.Problems...)
	return Report{KubernetesVersion: full.KubernetesVersion(), Set: set, Result: res}, true
}
