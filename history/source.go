package history

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// SourceKind says where an applied set came from.
type SourceKind string

const (
	// SourceGit is a set read from inside a git work tree.
	SourceGit SourceKind = "git"
	// SourceLocal is a set read from local files outside git, or from stdin.
	SourceLocal SourceKind = "local"
)

// Source is where a revision's manifests came from.
type Source struct {
	// Kind says whether the manifests came from a git work tree.
	Kind SourceKind `json:"kind"`
	// URL is the remote URL of "origin" (else the first remote, by name
	// order) with credentials removed; "" without remotes.
	URL string `json:"url,omitempty"`
	// Commit is the full HEAD hash.
	Commit string `json:"commit,omitempty"`
	// Ref is the branch HEAD is on (short name, e.g. "main"); when HEAD is
	// detached, a tag pointing at HEAD (short name, annotated or
	// lightweight, first in name order); else "".
	Ref string `json:"ref,omitempty"`
	// Subject is the first line of the commit message, trimmed.
	Subject string `json:"subject,omitempty"`
	// Author is the commit author as "Name <email>".
	Author string `json:"author,omitempty"`
	// Dirty says the work tree has uncommitted changes: modified, staged,
	// deleted, or untracked files that are not ignored.
	Dirty bool `json:"dirty,omitempty"`
	// Paths are the input paths, relative to the repository root for git
	// (slash-separated); for local, as given.
	Paths []string `json:"paths,omitempty"`
	// Hash is, for SourceLocal, a content hash of the set. The caller fills
	// it; ReadSource leaves it empty.
	Hash string `json:"hash,omitempty"`
}

// localHashLen is how many characters of a local content hash Short shows.
const localHashLen = 12

// ReadSource reads the provenance of the manifests at paths (the -f paths or
// the -k dir). The first path that is not "" or "-" decides: if it is inside
// a git work tree, the Source is of Kind git; otherwise it is of Kind local
// with Paths as given. With no usable path (stdin) it is of Kind local. It
// never fails: a repository it cannot read (no HEAD commit yet, corrupt)
// gives Kind local.
func ReadSource(paths []string) Source {
	return readSource(paths, true)
}

// readSource is ReadSource; without status it leaves Dirty unread, which
// on a large work tree is the slow part.
func readSource(paths []string, status bool) Source {
	local := Source{Kind: SourceLocal}
	if len(paths) > 0 {
		local.Paths = append([]string(nil), paths...)
	}
	first := firstPath(paths)
	if first == "" {
		return local
	}
	src, err := readGitSource(first, paths, status)
	if err != nil {
		return local
	}
	return src
}

// firstPath is the first path that names a file or directory, or "".
func firstPath(paths []string) string {
	for _, p := range paths {
		if p != "" && p != "-" {
			return p
		}
	}
	return ""
}

// readGitSource opens the repository holding first once and reads every git
// field of the Source from it.
func readGitSource(first string, paths []string, withStatus bool) (Source, error) {
	abs, err := filepath.Abs(first)
	if err != nil {
		return Source{}, fmt.Errorf("resolve %s: %w", first, err)
	}
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{
		DetectDotGit:          true,
		EnableDotGitCommonDir: true,
	})
	if err != nil {
		return Source{}, fmt.Errorf("open repository at %s: %w", first, err)
	}
	head, err := repo.Head()
	if err != nil {
		return Source{}, fmt.Errorf("read HEAD: %w", err)
	}
	commit, err := repo.CommitObject(head.Hash())
	if err != nil {
		return Source{}, fmt.Errorf("read HEAD commit: %w", err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return Source{}, fmt.Errorf("open work tree: %w", err)
	}
	dirty := false
	if withStatus {
		status, err := wt.Status()
		if err != nil {
			return Source{}, fmt.Errorf("read work tree status: %w", err)
		}
		dirty = !status.IsClean()
	}
	subject, _, _ := strings.Cut(strings.TrimSpace(commit.Message), "\n")
	return Source{
		Kind:    SourceGit,
		URL:     remoteURL(repo),
		Commit:  head.Hash().String(),
		Ref:     headRef(repo, head),
		Subject: strings.TrimSpace(subject),
		Author:  fmt.Sprintf("%s <%s>", commit.Author.Name, commit.Author.Email),
		Dirty:   dirty,
		Paths:   relPaths(wt.Filesystem.Root(), paths),
	}, nil
}

// remoteURL is the first URL of "origin", else of the first remote by name,
// with credentials removed; "" without remotes.
func remoteURL(repo *git.Repository) string {
	remotes, err := repo.Remotes()
	if err != nil || len(remotes) == 0 {
		return ""
	}
	sort.Slice(remotes, func(i, j int) bool {
		return remotes[i].Config().Name < remotes[j].Config().Name
	})
	chosen := remotes[0]
	for _, r := range remotes {
		if r.Config().Name == git.DefaultRemoteName {
			chosen = r
			break
		}
	}
	if urls := chosen.Config().URLs; len(urls) > 0 {
		return RedactURL(urls[0])
	}
	return ""
}

// headRef is the short name of the branch HEAD is on or, when HEAD is
// detached, of the first tag (by name) that points at the HEAD commit.
func headRef(repo *git.Repository, head *plumbing.Reference) string {
	if head.Name().IsBranch() {
		return head.Name().Short()
	}
	tags, err := repo.Tags()
	if err != nil {
		return ""
	}
	var names []string
	_ = tags.ForEach(func(ref *plumbing.Reference) error {
		if tagCommit(repo, ref) == head.Hash() {
			names = append(names, ref.Name().Short())
		}
		return nil
	})
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return names[0]
}

// tagCommit is the commit a tag reference points at, peeling an annotated
// tag; the zero hash when it cannot be read.
func tagCommit(repo *git.Repository, ref *plumbing.Reference) plumbing.Hash {
	tag, err := repo.TagObject(ref.Hash())
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return ref.Hash() // lightweight
	}
	if err != nil {
		return plumbing.ZeroHash
	}
	c, err := tag.Commit()
	if err != nil {
		return plumbing.ZeroHash
	}
	return c.Hash
}

// relPaths makes the usable input paths relative to the repository root,
// slash-separated; a path outside the root stays as given.
func relPaths(root string, paths []string) []string {
	var out []string
	for _, p := range paths {
		if p == "" || p == "-" {
			continue
		}
		rel := p
		if abs, err := filepath.Abs(p); err == nil {
			if r, err := filepath.Rel(root, abs); err == nil && r != ".." &&
				!strings.HasPrefix(r, ".."+string(filepath.Separator)) {
				rel = filepath.ToSlash(r)
			}
		}
		out = append(out, rel)
	}
	return out
}

// Short is the SOURCE column of `converge history`: the 7-digit commit, with
// "+dirty" when dirty, for git; "local", plus " " and the first 12
// characters of Hash when Hash is set, for local.
func (s Source) Short() string {
	if s.Kind == SourceGit {
		short := truncate(s.Commit, shortSHA)
		if s.Dirty {
			short += "+dirty"
		}
		return short
	}
	if s.Hash != "" {
		return string(SourceLocal) + " " + truncate(s.Hash, localHashLen)
	}
	return string(SourceLocal)
}

// Cause is the default change-cause: "<7-digit sha> <subject>" for git; ""
// otherwise.
func (s Source) Cause() string {
	if s.Kind != SourceGit || s.Commit == "" {
		return ""
	}
	return strings.TrimSpace(truncate(s.Commit, shortSHA) + " " + s.Subject)
}

// truncate is s cut to at most n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// scpLike matches git's scp-like remote syntax, user@host:path, whose user
// part carries no password.
var scpLike = regexp.MustCompile(`^[^/@:]+@[^/@:]+:`)

// redactedURL replaces a remote URL whose credentials cannot be told apart.
const redactedURL = "<redacted>"

// RedactURL removes credentials from a remote URL: for http(s) (and any
// scheme but ssh) the whole userinfo, since the user name may be a token;
// for ssh the password only. scp-like addresses and local paths stay as
// they are; a URL it cannot parse is kept only when it holds no '@'.
func RedactURL(raw string) string {
	if !strings.Contains(raw, "://") {
		if !strings.Contains(raw, "@") || scpLike.MatchString(raw) ||
			filepath.IsAbs(raw) || strings.HasPrefix(raw, ".") {
			return raw
		}
		return redactedURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return redactedURL
		}
		return raw
	}
	if u.User == nil {
		return raw
	}
	switch strings.ToLower(u.Scheme) {
	case "file":
		return raw
	case "ssh", "git+ssh", "ssh+git":
		if _, ok := u.User.Password(); !ok {
			return raw
		}
		u.User = url.User(u.User.Username())
	default:
		u.User = nil
	}
	return u.String()
}
