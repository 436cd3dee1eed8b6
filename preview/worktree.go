package preview

import (
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// ignoreFS is the work tree as a pull request holds it: the files git
// ignores (.gitignore, .git/info/exclude), such as node_modules or build
// output, are not there, unless git tracks them all the same.
type ignoreFS struct {
	fsys fs.FS
	m    gitignore.Matcher
	// tracked holds the paths in git's index, and every directory above
	// them.
	tracked map[string]bool
	// dirs caches whether git ignores the untracked content of a
	// directory, by path.
	dirs sync.Map
}

// workTreeFS is the work tree of repo, at root, without what git ignores.
func workTreeFS(repo *git.Repository, root string) (*ignoreFS, error) {
	wt, err := repo.Worktree()
	if err != nil {
		return nil, err
	}
	ps, err := gitignore.ReadPatterns(wt.Filesystem, nil)
	if err != nil {
		return nil, err
	}
	f := &ignoreFS{fsys: os.DirFS(root), m: gitignore.NewMatcher(ps), tracked: map[string]bool{}}
	idx, err := repo.Storer.Index()
	if err != nil {
		return nil, err
	}
	for _, e := range idx.Entries {
		for p := e.Name; p != "." && !f.tracked[p]; p = path.Dir(p) {
			f.tracked[p] = true
		}
	}
	return f, nil
}

// ignored reports whether git ignores name: it is not tracked, and a
// pattern matches it or a directory holding it.
func (f *ignoreFS) ignored(name string, isDir bool) bool {
	if name == "." || f.tracked[name] {
		return false
	}
	if parent := path.Dir(name); parent != "." && f.ignoredDir(parent) {
		return true
	}
	return f.m.Match(strings.Split(name, "/"), isDir)
}

// ignoredDir reports whether git ignores what dir holds untracked.
func (f *ignoreFS) ignoredDir(dir string) bool {
	if v, ok := f.dirs.Load(dir); ok {
		return v.(bool)
	}
	parent := path.Dir(dir)
	ignored := (parent != "." && f.ignoredDir(parent)) || f.m.Match(strings.Split(dir, "/"), true)
	f.dirs.Store(dir, ignored)
	return ignored
}

// hides reports whether name is on disk but git ignores it.
func (f *ignoreFS) hides(name string) bool {
	fi, err := fs.Stat(f.fsys, name)
	return err == nil && f.ignored(name, fi.IsDir())
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
