package cmd

import (
	"strings"
	"testing"
)

func TestGitFlagsCheck(t *testing.T) {
	files := manifestFlags{Filenames: []string{"app"}}
	tests := []struct {
		name  string
		flags diffFlags
		err   string
	}{
		{name: "no git", flags: diffFlags{manifestFlags: files}},
		{name: "base", flags: diffFlags{manifestFlags: files, Git: gitFlags{Base: "origin/main"}}},
		{name: "base and head", flags: diffFlags{manifestFlags: files, Git: gitFlags{Base: "v1", Head: "v2"}}},
		{name: "head alone", flags: diffFlags{manifestFlags: files, Git: gitFlags{Head: "v2"}}, err: "need --git-base"},
		{name: "all alone", flags: diffFlags{Git: gitFlags{All: true}}, err: "need --git-base"},
		{name: "all", flags: diffFlags{Git: gitFlags{Base: "main", All: true}}},
		{name: "all in a directory", flags: diffFlags{manifestFlags: files, Git: gitFlags{Base: "main", All: true}}},
		{name: "all with -k", flags: diffFlags{manifestFlags: manifestFlags{Kustomize: "k"}, Git: gitFlags{Base: "main", All: true}}, err: "leave out -k"},
		{name: "with a cluster flag", flags: diffFlags{manifestFlags: files, Git: gitFlags{Base: "v1"}, ServerSide: true}, err: "need a cluster"},
		{name: "live with cluster flags", flags: diffFlags{manifestFlags: files, Git: gitFlags{Base: "v1", Live: true}, ServerSide: true, pruneFlags: pruneFlags{Prune: true}}},
		{name: "live alone", flags: diffFlags{manifestFlags: files, Git: gitFlags{Live: true}}, err: "--live needs --git-base"},
		{name: "live with all", flags: diffFlags{Git: gitFlags{Base: "v1", All: true, Live: true}}, err: "pass -f or -k instead of --all"},
		{name: "stdin", flags: diffFlags{manifestFlags: manifestFlags{Filenames: []string{"-"}}, Git: gitFlags{Base: "v1"}}, err: "not -f -"},
	}
	for _, tt := range tests {
		err := tt.flags.Git.check(tt.flags)
		if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
		}
	}
}
