package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/convergehq/converge/history"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	"github.com/go-git/go-git/v5/storage/memory"
)

// file:// and local paths are served in-process by go-git, not by the
// git-upload-pack binary: converge never shells out to git.
func init() {
	client.InstallProtocol("file", server.NewClient(server.DefaultLoader))
}

// Remote is a git repository sync reads from, with a bare cache of the
// commits it fetched.
type Remote struct {
	// URL is the repository: https://, ssh://, git@host:path, file:// or a
	// local path.
	URL string
	// Auth is how to authenticate; nil for none.
	Auth transport.AuthMethod
	dir  string
	repo *git.Repository
}

// OpenRemote opens, or creates, the cache of url under cacheDir.
func OpenRemote(url, cacheDir string, auth transport.AuthMethod) (*Remote, error) {
	url = localRepo(url)
	sum := sha256.Sum256([]byte(url))
	r := &Remote{URL: url, Auth: auth, dir: filepath.Join(cacheDir, hex.EncodeToString(sum[:8])+".git")}
	return r, r.open()
}

// localRepo makes a local path absolute and, for a work tree, points it
// at its .git directory, which go-git's in-process server reads.
func localRepo(url string) string {
	path := strings.TrimPrefix(url, "file://")
	if strings.Contains(path, "://") || (path == url && strings.Contains(url, "@")) {
		return url
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return url
	}
	if info, err := os.Stat(filepath.Join(abs, ".git")); err == nil && info.IsDir() {
		abs = filepath.Join(abs, ".git")
	}
	if strings.HasPrefix(url, "file://") {
		return "file://" + abs
	}
	return abs
}

func (r *Remote) open() error {
	repo, err := git.PlainOpen(r.dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.PlainInit(r.dir, true)
	}
	if err != nil {
		return fmt.Errorf("git cache %s: %w; remove the directory to start afresh", r.dir, err)
	}
	if _, err := repo.Remote("origin"); errors.Is(err, git.ErrRemoteNotFound) {
		_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{r.URL}})
		if err != nil {
			return fmt.Errorf("git cache %s: %w; remove the directory to start afresh", r.dir, err)
		}
	}
	r.repo = repo
	return nil
}

// Resolve asks the remote which commit ref points to now, as git
// ls-remote does: one round trip, no objects fetched.
func (r *Remote) Resolve(ctx context.Context, ref Ref) (Resolved, error) {
	if ref.Kind == RefCommit {
		return ref.resolve(nil)
	}
	remote := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{r.URL}})
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: r.Auth, PeelingOption: git.AppendPeeled})
	if err != nil {
		return Resolved{}, fmt.Errorf("list references of %s: %w", history.RedactURL(r.URL), err)
	}
	return ref.resolve(refs)
}

// Commit returns the resolved commit, fetching it first when the cache
// does not hold it: shallow, only that reference. A fetch the server
// refuses as shallow is made whole; a cache go-git cannot update (its
// shallow history no longer joins, say) is started afresh once. The
// cache is locked against other syncs of the same repository.
func (r *Remote) Commit(ctx context.Context, res Resolved) (*object.Commit, error) {
	unlock, err := lockDir(r.dir + ".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	if c, err := r.repo.CommitObject(res.Commit); err == nil {
		return c, nil
	}
	err = r.fetch(ctx, res, true)
	if err != nil && strings.Contains(err.Error(), "shallow") {
		err = r.fetch(ctx, res, false)
	}
	if err != nil && cacheTrouble(err) {
		if err = os.RemoveAll(r.dir); err == nil {
			if err = r.open(); err == nil {
				err = r.fetch(ctx, res, true)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	c, err := r.repo.CommitObject(res.Commit)
	if err != nil {
		return nil, fmt.Errorf("commit %s is not in %s: %w", res.Commit, history.RedactURL(r.URL), err)
	}
	return c, nil
}

// cacheTrouble reports whether a fetch failed because of the cache, not
// the remote or the network: only then is the cache started afresh.
func cacheTrouble(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne),
		errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrRepositoryNotFound), errors.Is(err, syscall.ECONNREFUSED):
		return false
	}
	return errors.Is(err, plumbing.ErrObjectNotFound) || strings.Contains(err.Error(), "object not found") ||
		strings.Contains(err.Error(), "shallow")
}

// lockDir takes an exclusive lock on path, waiting for another process
// that holds it.
func lockDir(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("git cache lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("git cache lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func (r *Remote) fetch(ctx context.Context, res Resolved, shallow bool) error {
	opts := &git.FetchOptions{RemoteURL: r.URL, Auth: r.Auth, Tags: git.NoTags, Force: true}
	if res.Name != "" {
		opts.RefSpecs = []config.RefSpec{config.RefSpec(fmt.Sprintf("+%s:%s", res.Name, res.Name))}
		// go-git's in-process server for local repositories has no
		// shallow fetch; a local fetch is cheap anyway.
		if ep, err := transport.NewEndpoint(r.URL); err == nil && ep.Protocol != "file" && shallow {
			opts.Depth = 1
		}
	} else {
		// A commit by SHA: fetch every branch, whole, and find it there.
		opts.RefSpecs = []config.RefSpec{"+refs/heads/*:refs/heads/*"}
	}
	err := r.repo.FetchContext(ctx, opts)
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("fetch %s from %s: %w", res.Short(), history.RedactURL(r.URL), err)
	}
	return nil
}

// Store gives the cache's objects, to read a commit's tree.
func (r *Remote) Store() *git.Repository { return r.repo }

// ShortHash is a commit's 7-digit abbreviation.
func ShortHash(h plumbing.Hash) string { return h.String()[:7] }
