package sync

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/history"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/manifests"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
)

// gitFailed records that the remote could not be read: the applied state
// stays, and the cycle is retried.
func (s *Syncer) gitFailed(ctx context.Context, err error) (Attempt, error) {
	now := time.Now().UTC()
	msg := scrub(scrub(err.Error(), s.remote.URL), s.opts.Repo)
	if s.status.GitError == "" {
		s.status.GitErrorSince = &now
	}
	s.status.GitError = msg
	s.log.Warn("git remote unreachable", "error", msg, "since", s.status.GitErrorSince)
	a := Attempt{Time: now, Result: ResultFailed, Message: msg}
	s.status.Last = &a
	return a, errors.Join(errors.New(msg), s.flush(ctx))
}

// retry records a failure worth retrying soon, such as the API server out
// of reach; the commit is tried again.
func (s *Syncer) retry(ctx context.Context, sha string, err error) (Attempt, error) {
	msg := scrub(err.Error(), s.opts.Repo)
	a := Attempt{Time: time.Now().UTC(), Commit: sha, Result: ResultFailed, Message: msg}
	s.status.Last = &a
	s.log.Warn("cycle failed; retrying", "commit", short(sha), "error", msg)
	// The API server may be down: the status write may fail too.
	_ = s.flush(ctx)
	return a, errors.New(msg)
}

// badCommit records a commit that cannot be applied: it is not tried
// again until another commit arrives.
func (s *Syncer) badCommit(ctx context.Context, sha string, err error) (Attempt, error) {
	msg := scrub(err.Error(), s.opts.Repo)
	a := Attempt{Time: time.Now().UTC(), Commit: sha, Result: ResultFailed, Message: msg}
	if bad, ok := errors.AsType[*BadCommitError](err); ok {
		a.Message, a.Problems = "commit "+short(sha)+" cannot be applied", bad.Problems
	}
	s.status.Last, s.status.FailedCommit = &a, sha
	s.log.Error("commit cannot be applied; waiting for a new commit", "commit", short(sha), "error", msg)
	return a, s.flush(ctx)
}

// flush writes the status when it differs from what the cluster holds.
func (s *Syncer) flush(ctx context.Context) error {
	raw, err := json.Marshal(s.status)
	if err != nil || string(raw) == string(s.written) {
		return err
	}
	if err := WriteStatus(ctx, s.store, s.status); err != nil {
		return err
	}
	s.written = raw
	return nil
}

// isBadCommit reports whether err is the commit's own fault, so that
// trying it again cannot help until another commit arrives: its manifests
// do not load or validate, its signature is missing, the server refuses
// an object, a prune guard stops it, or the set could not be planned for
// a reason other than reaching the cluster. Anything else (the remote,
// the API server, the network, permissions) is retried.
func isBadCommit(err error) bool {
	switch {
	case is[*BadCommitError](err), is[*diff.RefusedError](err), is[*apply.PruneGuardError](err), is[*manifests.LoadError](err):
		return true
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err), meta.IsNoMatchError(err):
		return true
	case is[*apply.PlanError](err):
		return !transient(err) && !is[*apply.PermissionError](err) && !apierrors.IsForbidden(err) && !apierrors.IsUnauthorized(err)
	}
	return false
}

// is reports whether err's tree holds an E.
func is[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

// transient reports whether err is worth retrying soon: the API server
// out of reach or overloaded, rather than something wrong in the commit.
func transient(err error) bool {
	if _, ok := errors.AsType[*apply.OutageError](err); ok {
		return true
	}
	if _, ok := errors.AsType[*kube.UnreachableError](err); ok {
		return true
	}
	if _, ok := errors.AsType[*history.RecordError](err); ok {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) ||
		apierrors.IsServerTimeout(err) || apierrors.IsServiceUnavailable(err) ||
		apierrors.IsTooManyRequests(err) || apierrors.IsTimeout(err) || apierrors.IsInternalError(err) ||
		apierrors.IsConflict(err) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF)
}
