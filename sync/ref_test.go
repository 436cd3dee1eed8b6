package sync

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseRef(t *testing.T) {
	sha := strings.Repeat("ab", 20)
	tests := []struct {
		in   string
		want Ref
		err  string
	}{
		{in: "main", want: Ref{Kind: RefBranch, Name: "main"}},
		{in: "refs/heads/release-1", want: Ref{Kind: RefBranch, Name: "release-1"}},
		{in: "tag:v1.2.0", want: Ref{Kind: RefTag, Name: "v1.2.0"}},
		{in: "refs/tags/v1.2.0", want: Ref{Kind: RefTag, Name: "v1.2.0"}},
		{in: sha, want: Ref{Kind: RefCommit, Name: sha}},
		{in: "semver:>=0.2.0 <1.0.0", want: Ref{Kind: RefSemver, Name: ">=0.2.0 <1.0.0"}},
		{in: "semver:not a range", err: "invalid semver range"},
		{in: " ", err: "--ref is empty"},
	}
	for _, tt := range tests {
		got, err := ParseRef(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseRef(%q): err = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreUnexported(Ref{})); diff != "" {
			t.Errorf("ParseRef(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestResolve(t *testing.T) {
	h := func(c byte) plumbing.Hash { return plumbing.NewHash(strings.Repeat(string(c), 40)) }
	refs := []*plumbing.Reference{
		plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main"),
		plumbing.NewHashReference("refs/heads/main", h('1')),
		plumbing.NewHashReference("refs/heads/dev", h('2')),
		plumbing.NewHashReference("refs/tags/v0.1.0", h('3')),
		plumbing.NewHashReference("refs/tags/v0.2.0", h('4')), // annotated:
		plumbing.NewHashReference("refs/tags/v0.2.0^{}", h('5')),
		plumbing.NewHashReference("refs/tags/v1.0.0", h('6')),
		plumbing.NewHashReference("refs/tags/latest", h('7')),
	}
	tests := []struct {
		ref      string
		want     plumbing.Hash
		wantName string
		err      string
	}{
		{ref: "main", want: h('1'), wantName: "main"},
		{ref: "tag:v0.1.0", want: h('3'), wantName: "v0.1.0"},
		{ref: "tag:v0.2.0", want: h('5'), wantName: "v0.2.0"},
		{ref: "semver:>=0.1.0 <1.0.0", want: h('5'), wantName: "v0.2.0"},
		{ref: "semver:>=1.0.0", want: h('6'), wantName: "v1.0.0"},
		{ref: strings.Repeat("9", 40), want: h('9'), wantName: strings.Repeat("9", 40)},
		{ref: "nope", err: `no branch "nope": its branches are dev, main`},
		{ref: "semver:>=2.0.0", err: "its tags are latest, v0.1.0, v0.2.0, v1.0.0"},
	}
	for _, tt := range tests {
		ref, err := ParseRef(tt.ref)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ref.resolve(refs)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.ref, err, tt.err)
			}
			continue
		}
		if err != nil || got.Commit != tt.want || got.Short() != tt.wantName {
			t.Errorf("%s: resolve = %s %s, %v; want %s %s", tt.ref, got.Commit, got.Short(), err, tt.want, tt.wantName)
		}
	}
}
