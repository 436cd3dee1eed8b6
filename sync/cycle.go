package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/convergehq/converge/history"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/manifests"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Syncer keeps one ApplySet converged to a path of a git repository.
type Syncer struct {
	clients *kube.Clients
	opts    Options
	remote  *Remote
	store   history.Store
	log     *slog.Logger
	// status is the status as this run knows it; written is what the
	// cluster holds, so that a cycle that changes nothing writes nothing.
	status  Status
	written []byte
	// applied is the set of the commit applied, and appliedCause its
	// change-cause, for drift; watch holds the informers on its members.
	applied      *manifests.Set
	appliedCause string
	watch        *watch
	// state, once started, serves the status and history from watches.
	state *stateWatch
	// undoAt is the latest `converge undo` the status names.
	undoAt *time.Time
}

// New prepares a sync: it opens the git cache and reads the set's status
// from the cluster.
func New(ctx context.Context, clients *kube.Clients, opts Options) (*Syncer, error) {
	if opts.Apply.ApplySet == nil {
		return nil, fmt.Errorf("sync needs an ApplySet: pass --applyset NAME")
	}
	if opts.Keyring != "" {
		if _, err := openpgp.ReadArmoredKeyRing(strings.NewReader(opts.Keyring)); err != nil {
			return nil, fmt.Errorf("--verify-signatures: not an armored OpenPGP keyring: %w", err)
		}
	}
	remote, err := OpenRemote(opts.Repo, opts.CacheDir, opts.Auth)
	if err != nil {
		return nil, err
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Syncer{clients: clients, opts: opts, remote: remote, log: log,
		store: history.Store{Clients: clients, Parent: *opts.Apply.ApplySet}}
	if err := s.refresh(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// refresh reads the set's status from the cluster, as another sync may
// have left it.
func (s *Syncer) refresh(ctx context.Context) error {
	st, found, err := ReadStatus(ctx, s.store)
	if err != nil {
		return err
	}
	s.written = nil
	if found {
		s.written, _ = json.Marshal(st)
	}
	s.status = st
	s.status.ApplySet, s.status.Repo = s.store.Parent.String(), history.RedactURL(s.opts.Repo)
	s.status.Ref, s.status.Path = s.opts.Ref.String(), cleanPath(s.opts.Path)
	return nil
}

// RunOnce runs one cycle, from the status as the cluster holds it now. A
// stop lets it finish the requests in flight, for a few seconds.
func (s *Syncer) RunOnce(ctx context.Context) (Attempt, error) {
	if err := s.refresh(ctx); err != nil {
		return Attempt{}, err
	}
	cycles, cancel := graceful(ctx)
	defer cancel()
	a, err := s.Cycle(cycles)
	if ctx.Err() != nil {
		s.interrupted(a)
	}
	return a, err
}

// Status is the sync status as this run knows it.
func (s *Syncer) Status() Status { return s.status }

// Cycle runs one cycle. When the ref's commit is the one applied and no
// undo pinned the set, it asks the remote and reads the history, and does
// nothing else. Otherwise it fetches the commit, renders and validates it,
// and applies and prunes it as a new revision. A commit that cannot be
// applied is a failed Attempt, and is not tried again until another
// commit arrives; the error is set only for a failure worth retrying soon
// (the remote or the API server out of reach).
func (s *Syncer) Cycle(ctx context.Context) (Attempt, error) {
	res, err := s.remote.Resolve(ctx, s.opts.Ref)
	if err != nil {
		return s.gitFailed(ctx, err)
	}
	s.status.GitError, s.status.GitErrorSince = "", nil
	sha := res.Commit.String()
	revs, err := s.listRevisions(ctx)
	if err == nil {
		err = s.reload(ctx, revs)
	}
	if err != nil {
		return s.retry(ctx, sha, err)
	}
	if a, pinned := s.pinned(revs, sha); pinned {
		return a, s.flush(ctx)
	}
	switch sha {
	case s.status.Commit:
		if err := s.renderApplied(ctx, res); err != nil {
			return s.retry(ctx, sha, err)
		}
		a := Attempt{Time: time.Now().UTC(), Commit: sha, Result: ResultUnchanged}
		if s.status.Last == nil || s.status.Last.Result == ResultFailed || s.status.NextRetry != nil {
			s.status.Last, s.status.NextRetry = &a, nil // recovered
		}
		return a, s.flush(ctx)
	case s.status.FailedCommit:
		return Attempt{Time: time.Now().UTC(), Commit: sha, Result: ResultFailed,
			Message: fmt.Sprintf("commit %s cannot be applied; waiting for a new commit", short(sha))}, s.flush(ctx)
	}
	return s.applyCommit(ctx, res, latest(revs))
}

// unseenUndo reports whether converge undo recorded a revision after the
// one sync applied: the cluster holds the undo's set, not git's.
func (s *Syncer) unseenUndo(revs []history.Revision) bool {
	if s.status.Commit == "" || len(revs) == 0 {
		return false
	}
	top := revs[len(revs)-1]
	return top.Result == history.ResultUndo && top.Number > s.status.Revision
}

// renderApplied renders the applied commit once, when this run did not
// apply it itself, so that drift can be checked against it.
func (s *Syncer) renderApplied(ctx context.Context, res Resolved) error {
	if !s.opts.Drift || s.applied != nil {
		return nil
	}
	commit, err := s.remote.Commit(ctx, res)
	if err != nil {
		return err
	}
	set, err := s.render(ctx, commit)
	if err != nil {
		return err
	}
	s.applied, s.appliedCause = &set, ShortHash(commit.Hash)+" "+subject(commit)
	return nil
}

// reload acts on a `converge sync resume` that ran since the last cycle.
func (s *Syncer) reload(ctx context.Context, revs []history.Revision) error {
	st, found, err := s.readStatus(ctx)
	if err != nil || !found {
		return err
	}
	s.undoAt = st.UndoAt
	if st.ResumedAt == nil {
		return nil
	}
	if s.status.ResumeSeen != nil && !st.ResumedAt.After(*s.status.ResumeSeen) {
		return nil
	}
	s.log.Info("resumed: following git again", "ref", s.opts.Ref.String())
	s.status = resume(s.status, latest(revs), st.ResumedAt)
	return nil
}

// latest is the number of the newest revision, 0 when there is none.
func latest(revs []history.Revision) int {
	if len(revs) == 0 {
		return 0
	}
	return revs[len(revs)-1].Number
}

// pinned holds the set at an undo: a revision converge undo recorded
// after the one sync applied pins it to the commit git is at, until
// another commit arrives or sync resume.
func (s *Syncer) pinned(revs []history.Revision, sha string) (Attempt, bool) {
	if s.status.Pinned == nil && s.unseenUndo(revs) {
		// Pinned to the commit sync had applied: a commit that arrived
		// since the undo is new, and lifts the pin.
		s.status.Pinned = &Pin{Revision: revs[len(revs)-1].Number, Commit: s.status.Commit}
		s.status.UndoSeen = s.undoAt
	}
	if s.status.Pinned == nil {
		return Attempt{}, false
	}
	if sha != s.status.Pinned.Commit {
		s.status.Pinned = nil // a commit arrived after the undo
		return Attempt{}, false
	}
	a := Attempt{Time: time.Now().UTC(), Commit: sha, Result: ResultPinned,
		Message: fmt.Sprintf("pinned at revision %d while git is at %s: converge sync resume --applyset %s follows git again", s.status.Pinned.Revision, short(sha), s.store.Parent.Name)}
	if s.status.Last == nil || s.status.Last.Result != ResultPinned {
		s.status.Last = &a
		s.log.Info("pinned", "revision", s.status.Pinned.Revision, "commit", short(sha))
	}
	return a, true
}

// applyCommit fetches, renders, validates and applies one commit.
func (s *Syncer) applyCommit(ctx context.Context, res Resolved, newest int) (Attempt, error) {
	sha := res.Commit.String()
	s.log.Info("new commit", "commit", short(sha), "ref", res.Short())
	commit, err := s.remote.Commit(ctx, res)
	if err != nil {
		return s.gitFailed(ctx, err)
	}
	set, err := s.render(ctx, commit)
	if _, bad := errors.AsType[*BadCommitError](err); bad && ctx.Err() == nil {
		return s.badCommit(ctx, sha, err)
	} else if err != nil {
		return s.retry(ctx, sha, err) // the cluster's schemas out of reach, say
	}
	opts := s.opts.Apply
	opts.ChangeCause = ShortHash(commit.Hash) + " " + subject(commit)
	s.log.Info("applying", "commit", ShortHash(commit.Hash), "objects", set.Len(), "subject", subject(commit))
	result, rev, err := history.Apply(ctx, s.clients, set, history.ApplyOptions{
		Apply: opts, Source: s.source(res, commit), Limit: s.opts.HistoryLimit,
		Warn: func(msg string) { s.log.Warn(msg) },
	})
	if err != nil {
		if ctx.Err() == nil && isBadCommit(err) {
			return s.badCommit(ctx, sha, err)
		}
		return s.retry(ctx, sha, err)
	}
	c := history.CountsOf(result)
	s.status.Commit, s.status.FailedCommit, s.status.Pinned, s.status.NextRetry = sha, "", nil, nil
	s.status.Revision = newest
	s.status.Drifted = nil
	s.status.UndoSeen = s.undoAt // git's commit supersedes any undo before it
	s.applied, s.appliedCause = &set, opts.ChangeCause
	msg := fmt.Sprintf("%d created, %d configured, %d unchanged, %d pruned", c.Created, c.Configured, c.Unchanged, c.Pruned)
	if rev != nil {
		s.status.Revision = rev.Number
		msg = fmt.Sprintf("revision %d: %s", rev.Number, msg)
	}
	a := Attempt{Time: time.Now().UTC(), Commit: sha, Result: ResultApplied, Message: msg}
	s.status.Last = &a
	s.log.Info("applied", "commit", ShortHash(commit.Hash), "result", msg)
	return a, s.flush(ctx)
}

// source is the provenance a revision records.
func (s *Syncer) source(res Resolved, c *object.Commit) history.Source {
	return history.Source{Kind: history.SourceGit, URL: history.RedactURL(s.remote.URL), Commit: c.Hash.String(),
		Ref: res.Short(), Subject: subject(c), Author: fmt.Sprintf("%s <%s>", c.Author.Name, c.Author.Email),
		Paths: []string{cleanPath(s.opts.Path)}}
}
