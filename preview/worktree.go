package preview

import (
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// ignoreFS is the work tree as a pull request holds it: the files git
// ignores (.gitignore, .git/info/exclude), such as node_modules or build
// output, are not there.
type ignoreFS struct {
	fsys fs.FS
	m    gitignore.Matcher
}

// workTreeFS is the work tree of repo, at root, without what git ignores.
func workTreeFS(repo *git.Repository, root string) (fs.FS, error) {
	wt, err := repo.Worktree()
	if err != nil {
		return nil, err
	}
	ps, err := gitignore.ReadPatterns(wt.Filesystem, nil)
	if err != nil {
		return nil, err
	}
	return &ignoreFS{fsys: os.DirFS(root), m: gitignore.NewMatcher(append(wt.Excludes, ps...))}, nil
}

// ignored reports whether git ignores name, or a directory holding it.
func (f *ignoreFS) ignored(name string, isDir bool) bool {
	if name == "." {
		return false
	}
	parts := strings.Split(name, "/")
	for i := 1; i <= len(parts); i++ {
		if f.m.Match(parts[:i], i < len(parts) || isDir) {
			return true
		}
	}
	return false
}

func notExist(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
}

// Open implements fs.FS.
func (f *ignoreFS) Open(name string) (fs.File, error) {
	fi, err := fs.Stat(f.fsys, name)
	if err != nil {
		return nil, err
	}
	if f.ignored(name, fi.IsDir()) {
		return nil, notExist("open", name)
	}
	return f.fsys.Open(name)
}

// Stat implements fs.StatFS.
func (f *ignoreFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(f.fsys, name)
	if err == nil && f.ignored(name, fi.IsDir()) {
		return nil, notExist("stat", name)
	}
	return fi, err
}

// ReadDir implements fs.ReadDirFS, leaving out what git ignores.
func (f *ignoreFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if f.ignored(name, true) {
		return nil, notExist("readdir", name)
	}
	entries, err := fs.ReadDir(f.fsys, name)
	return slices.DeleteFunc(entries, func(e fs.DirEntry) bool {
		p := e.Name()
		if name != "." {
			p = name + "/" + p
		}
		return f.ignored(p, e.IsDir())
	}), err
}
