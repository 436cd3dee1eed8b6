package sync

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/go-git/go-git/v5/plumbing"
)

// RefKind says how a --ref picks a commit.
type RefKind string

// The kinds of ref.
const (
	RefBranch RefKind = "branch"
	RefTag    RefKind = "tag"
	RefSemver RefKind = "semver"
	RefCommit RefKind = "commit"
)

// Ref is a parsed --ref: a branch, a tag, a semver range over tags
// ("semver:>=0.2.0 <1.0.0"), or a commit SHA.
type Ref struct {
	Kind RefKind
	// Name is the branch or tag name, the range, or the SHA.
	Name       string
	constraint *semver.Constraints
}

var shaRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// ParseRef reads a --ref value. A bare name is a branch unless it is a
// 40-digit SHA; "refs/heads/X", "refs/tags/X", "tag:X" and "semver:RANGE"
// say which.
func ParseRef(s string) (Ref, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Ref{}, fmt.Errorf("--ref is empty: give a branch (main), a tag (tag:v1.2.0), a semver range (semver:>=1.0.0 <2.0.0) or a commit SHA")
	case strings.HasPrefix(s, "semver:"):
		c, err := semver.NewConstraint(strings.TrimPrefix(s, "semver:"))
		if err != nil {
			return Ref{}, fmt.Errorf("--ref %q: invalid semver range: %w; write it as semver:>=0.2.0 <1.0.0", s, err)
		}
		return Ref{Kind: RefSemver, Name: strings.TrimPrefix(s, "semver:"), constraint: c}, nil
	case strings.HasPrefix(s, "tag:"):
		return Ref{Kind: RefTag, Name: strings.TrimPrefix(s, "tag:")}, nil
	case strings.HasPrefix(s, "refs/tags/"):
		return Ref{Kind: RefTag, Name: strings.TrimPrefix(s, "refs/tags/")}, nil
	case strings.HasPrefix(s, "refs/heads/"):
		return Ref{Kind: RefBranch, Name: strings.TrimPrefix(s, "refs/heads/")}, nil
	case shaRE.MatchString(s):
		return Ref{Kind: RefCommit, Name: s}, nil
	}
	return Ref{Kind: RefBranch, Name: s}, nil
}

// String is the ref as given.
func (r Ref) String() string {
	switch r.Kind {
	case RefSemver:
		return "semver:" + r.Name
	case RefTag:
		return "tag:" + r.Name
	}
	return r.Name
}

// Resolved is the commit a ref points to on the remote now.
type Resolved struct {
	// Commit is the commit's hash.
	Commit plumbing.Hash
	// Name is the remote reference that holds it, such as
	// refs/heads/main or refs/tags/v0.3.0; "" for a commit SHA.
	Name plumbing.ReferenceName
}

// Short is the branch or tag name, or the commit, for provenance.
func (r Resolved) Short() string {
	if r.Name == "" {
		return r.Commit.String()
	}
	return r.Name.Short()
}

// NotFoundError is a ref the remote does not have.
type NotFoundError struct {
	Ref       Ref
	Available []string
}

// Error names the ref and what there is.
func (e *NotFoundError) Error() string {
	what := "branches"
	if e.Ref.Kind != RefBranch {
		what = "tags"
	}
	list := strings.Join(e.Available, ", ")
	if len(e.Available) > 10 {
		list = strings.Join(e.Available[:10], ", ") + fmt.Sprintf(", and %d more", len(e.Available)-10)
	}
	if list == "" {
		list = "none"
	}
	return fmt.Sprintf("the remote has no %s %q: its %s are %s", e.Ref.Kind, e.Ref.Name, what, list)
}

// resolve picks the commit of r among the remote's references, as
// ls-remote lists them (with peeled tags appended).
func (r Ref) resolve(refs []*plumbing.Reference) (Resolved, error) {
	byName := map[plumbing.ReferenceName]plumbing.Hash{}
	var branches, tags []string
	for _, ref := range refs {
		if ref.Type() != plumbing.HashReference {
			continue
		}
		byName[ref.Name()] = ref.Hash()
		switch n := ref.Name(); {
		case n.IsBranch():
			branches = append(branches, n.Short())
		case n.IsTag() && !strings.HasSuffix(string(n), "^{}"):
			tags = append(tags, n.Short())
		}
	}
	sort.Strings(branches)
	sort.Strings(tags)
	// A peeled annotated tag names its commit; a lightweight tag is one.
	tagCommit := func(name string) Resolved {
		n := plumbing.NewTagReferenceName(name)
		if h, ok := byName[plumbing.ReferenceName(string(n)+"^{}")]; ok {
			return Resolved{Commit: h, Name: n}
		}
		return Resolved{Commit: byName[n], Name: n}
	}
	switch r.Kind {
	case RefBranch:
		n := plumbing.NewBranchReferenceName(r.Name)
		if h, ok := byName[n]; ok {
			return Resolved{Commit: h, Name: n}, nil
		}
		return Resolved{}, &NotFoundError{Ref: r, Available: branches}
	case RefTag:
		if _, ok := byName[plumbing.NewTagReferenceName(r.Name)]; ok {
			return tagCommit(r.Name), nil
		}
		return Resolved{}, &NotFoundError{Ref: r, Available: tags}
	case RefSemver:
		if best := r.newest(tags); best != "" {
			return tagCommit(best), nil
		}
		return Resolved{}, &NotFoundError{Ref: r, Available: tags}
	}
	return Resolved{Commit: plumbing.NewHash(r.Name)}, nil
}

// newest is the tag with the highest version in the range, "" if none.
func (r Ref) newest(tags []string) string {
	var best *semver.Version
	name := ""
	for _, t := range tags {
		v, err := semver.NewVersion(t)
		if err != nil || !r.constraint.Check(v) {
			continue
		}
		if best == nil || v.GreaterThan(best) {
			best, name = v, t
		}
	}
	return name
}
