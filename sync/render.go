package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/convergehq/converge/manifests"
	"github.com/convergehq/converge/schemas"
	"github.com/go-git/go-git/v5/plumbing/object"
	"k8s.io/client-go/discovery"
)

// BadCommitError is a commit that cannot be applied: its manifests do not
// load or validate, its signature is missing, or the server refuses it.
type BadCommitError struct {
	Commit string
	// Problems are located as repo-path:line at that commit.
	Problems []string
}

// Error names the commit and lists the problems.
func (e *BadCommitError) Error() string {
	return fmt.Sprintf("commit %s cannot be applied, so nothing was: %d problem(s):\n  %s\nfix them in a new commit", short(e.Commit), len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// render loads the manifests of the sync's path at commit, from the
// commit's tree: -k when the path holds a kustomization, else -f -R.
func (s *Syncer) render(ctx context.Context, c *object.Commit) (manifests.Set, error) {
	if s.opts.Keyring != "" {
		if _, err := c.Verify(s.opts.Keyring); err != nil {
			return manifests.Set{}, &BadCommitError{Commit: c.Hash.String(), Problems: []string{
				fmt.Sprintf("the commit is not signed by a key of the keyring (%s): sign it, or add its key to --verify-signatures", err.Error())}}
		}
	}
	tree, err := NewTreeFS(s.remote.Store().Storer, c)
	if err != nil {
		return manifests.Set{}, err
	}
	dir := cleanPath(s.opts.Path)
	opts := manifests.Options{FS: tree, AllowEmpty: true}
	if manifests.IsKustomization(tree, dir) {
		opts.Kustomize = dir
	} else {
		opts.Paths, opts.Recursive = []string{dir}, true
	}
	set, err := manifests.Load(ctx, opts)
	if err != nil {
		return set, badCommit(c.Hash.String(), err)
	}
	return set, s.validate(ctx, c.Hash.String(), set)
}

// validate checks the set against the cluster's schemas and its own CRDs.
func (s *Syncer) validate(ctx context.Context, sha string, set manifests.Set) error {
	dc, err := discovery.NewDiscoveryClientForConfig(s.clients.Config)
	if err != nil {
		return fmt.Errorf("cluster schemas: discovery client: %w", err)
	}
	cat, err := schemas.Live(ctx, dc)
	if err != nil {
		return fmt.Errorf("cluster schemas: read for validation: %w", err)
	}
	problems := cat.CheckSet(ctx, set, schemas.Options{Strict: true})
	if len(problems) == 0 {
		return nil
	}
	e := &BadCommitError{Commit: sha}
	for _, p := range problems {
		e.Problems = append(e.Problems, p.Error())
	}
	return e
}

// badCommit turns a load error into a BadCommitError, one problem each;
// another error (reading the cache, say) is returned as it is, to retry.
func badCommit(sha string, err error) error {
	var le *manifests.LoadError
	if !errors.As(err, &le) {
		return fmt.Errorf("commit %s: read the manifests: %w", short(sha), err)
	}
	e := &BadCommitError{Commit: sha}
	for _, p := range le.Problems {
		e.Problems = append(e.Problems, p.Error())
	}
	return e
}

func subject(c *object.Commit) string {
	s, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	return strings.TrimSpace(s)
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
