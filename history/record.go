package history

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/manifests"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// DefaultLimit is how many revisions a set keeps, as --history-limit.
const DefaultLimit = 10

// saveAttempts bounds the retries when another apply takes the number.
const saveAttempts = 5

// ApplyOptions configure an apply that records a revision.
type ApplyOptions struct {
	// Apply configures the apply itself. A revision is recorded only with
	// an ApplySet, and never on a dry run.
	Apply apply.Options
	// Source is where the set came from. For SourceLocal without a Hash,
	// the set's digest is used.
	Source Source
	// Limit is how many revisions to keep; 0 keeps all.
	Limit int
	// UndoOf, when not 0, records the apply as an undo of that revision.
	UndoOf int
	// ChunkSize bounds the compressed set per Secret; 0 means
	// DefaultChunkSize.
	ChunkSize int
	// Warn, when set, is told of problems that do not fail the apply.
	Warn func(string)
}

// RecordError means the revision of an apply could not be recorded.
type RecordError struct{ Err error }

// Error says what was not recorded.
func (e *RecordError) Error() string {
	return "the revision was not recorded: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *RecordError) Unwrap() error { return e.Err }

// Apply runs apply.Run and records the outcome as a new revision of the
// ApplySet: on any change, on a failure, on an undo, and when the set
// differs from the latest revision's. A re-apply that changes nothing
// writes nothing, revision included. Nothing is recorded for a set that
// could not be planned (nothing was applied) or a dry run. The history is
// read only after the apply, so a history that cannot be read never stops
// one.
func Apply(ctx context.Context, clients *kube.Clients, set manifests.Set, opts ApplyOptions) (apply.Result, *Revision, error) {
	res, err := apply.Run(ctx, clients, set, opts.Apply)
	p := opts.Apply.ApplySet
	if _, planned := errors.AsType[*apply.PlanError](err); planned || p == nil || opts.Apply.DryRun != apply.DryRunNone {
		return res, nil, err
	}
	rev := Revision{
		Counts: CountsOf(res), Result: ResultApplied, UndoOf: opts.UndoOf,
		Source: opts.Source, ChangeCause: opts.Apply.ChangeCause,
		Settings: Settings{Namespace: clients.Namespace, ServerSide: opts.Apply.ServerSide, ForceConflicts: opts.Apply.ForceConflicts,
			FieldManager: opts.Apply.FieldManager, Selector: opts.Apply.Selector},
	}
	// A wait that failed does not undo the apply: the revision is applied.
	if _, waited := errors.AsType[*apply.WaitError](err); err != nil && !waited {
		rev.Result = ResultFailed
	} else if opts.UndoOf > 0 {
		rev.Result = ResultUndo
	}
	store := Store{Clients: clients, Parent: *p, ChunkSize: opts.ChunkSize}
	saved, rerr := record(ctx, store, rev, set, opts.Limit, opts.Warn)
	if rerr != nil {
		return res, nil, errors.Join(err, &RecordError{Err: rerr})
	}
	return res, saved, err
}

// record saves rev as the next revision, unless it repeats the latest,
// then trims the history to limit; a failed trim is only a warning. It
// returns nil when nothing was recorded.
func record(ctx context.Context, store Store, rev Revision, set manifests.Set, limit int, warn func(string)) (*Revision, error) {
	sc, err := store.scan(ctx)
	if err != nil {
		return nil, err
	}
	same, err := repeatsLatest(sc.revs, rev, set)
	if err != nil || same {
		return nil, err
	}
	// Compressed once, for every attempt; its digest is a local source's
	// hash.
	data, digest, err := encodeSet(set)
	if err != nil {
		return nil, err
	}
	rev.Time = time.Now().UTC().Truncate(time.Second)
	rev.User = whoami(ctx, store.Clients)
	if rev.Source.Kind == SourceLocal && rev.Source.Hash == "" {
		rev.Source.Hash = digest
	}
	for attempt := 1; ; attempt++ {
		rev.Number = sc.next()
		saved, err := store.save(ctx, rev, data, digest, set.Len())
		if _, taken := errors.AsType[*TakenError](err); taken && attempt < saveAttempts {
			if sc, err = store.scan(ctx); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		sc.revs = append(sc.revs, saved)
		if err := store.Trim(ctx, sc, limit); err != nil && warn != nil {
			warn(fmt.Sprintf("revision %d was recorded, but older revisions could not be deleted: %s", saved.Number, err.Error()))
		}
		return &saved, nil
	}
}

// repeatsLatest reports whether rev would only repeat the latest
// revision: nothing changed, the latest went through, and it holds the
// same objects.
func repeatsLatest(revs []Revision, rev Revision, set manifests.Set) (bool, error) {
	if len(revs) == 0 || rev.Result != ResultApplied || rev.Counts.Changed() || rev.Counts.Failed > 0 {
		return false, nil
	}
	latest := revs[len(revs)-1]
	if latest.Result == ResultFailed || latest.Objects != set.Len() || latest.Settings != rev.Settings {
		return false, nil
	}
	digest, err := Digest(set)
	return digest == latest.Digest, err
}

var selfSubjectReviews = schema.GroupVersionResource{Group: "authentication.k8s.io", Version: "v1", Resource: "selfsubjectreviews"}

// whoami asks the API server who the caller is, with a SelfSubjectReview;
// "" when it cannot tell (a server older than 1.28, say).
func whoami(ctx context.Context, clients *kube.Clients) string {
	review := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
	}}
	out, err := clients.Dynamic.Resource(selfSubjectReviews).Create(ctx, review, metav1.CreateOptions{})
	if err != nil {
		return ""
	}
	name, _, _ := unstructured.NestedString(out.Object, "status", "userInfo", "username")
	return name
}

// String is the revision as one line, for logs.
func (r Revision) String() string {
	return fmt.Sprintf("revision %d (%s)", r.Number, r.ResultText())
}
