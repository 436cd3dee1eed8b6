package sync

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	gosync "sync"
	"time"

	"github.com/convergehq/converge/manifests"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// MaxFileSize bounds one file read from a repository: a larger file fails
// the cycle instead of filling memory.
const MaxFileSize = 8 << 20

// maxLinks bounds the symlinks followed to open one path.
const maxLinks = 16

// TreeFS is a git tree as an fs.FS: the manifests of a commit, read
// without a work tree. Symlinks are followed only within the tree;
// submodules and files over MaxFileSize are errors.
type TreeFS struct {
	// mu serialises reads: go-git's trees cache lookups in a map, and its
	// storage is not safe for concurrent use, while Load reads files in
	// parallel.
	mu    gosync.Mutex
	root  *object.Tree
	store storer.EncodedObjectStorer
	when  time.Time
}

// NewTreeFS returns the tree of commit c.
func NewTreeFS(store storer.EncodedObjectStorer, c *object.Commit) (*TreeFS, error) {
	root, err := object.GetTree(store, c.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("commit %s: read tree: %w", c.Hash, err)
	}
	return &TreeFS{root: root, store: store, when: c.Committer.When}, nil
}

// TooLargeError is a file over MaxFileSize.
type TooLargeError struct {
	Path string
	Size int64
}

// Error names the file and its size.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %d bytes, over the limit of %d for one file: split it, or keep large data out of the manifests", e.Path, e.Size, MaxFileSize)
}

// Open opens name, following symlinks that stay inside the tree.
func (t *TreeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.open(name, name, 0)
}

func (t *TreeFS) open(asked, name string, links int) (fs.File, error) {
	if name == "." {
		return &treeDir{fs: t, name: ".", tree: t.root}, nil
	}
	entry, err := t.root.FindEntry(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: asked, Err: fs.ErrNotExist}
	}
	switch entry.Mode {
	case filemode.Dir:
		sub, err := object.GetTree(t.store, entry.Hash)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: asked, Err: err}
		}
		return &treeDir{fs: t, name: name, tree: sub}, nil
	case filemode.Symlink:
		target, err := t.linkTarget(asked, name, entry.Hash, links)
		if err != nil {
			return nil, err
		}
		return t.open(asked, target, links+1)
	case filemode.Submodule:
		return nil, &fs.PathError{Op: "open", Path: asked, Err: fmt.Errorf("is a git submodule, which sync does not fetch")}
	}
	return t.openBlob(asked, entry.Hash)
}

// linkTarget resolves the symlink at name, refusing one that leaves the
// tree.
func (t *TreeFS) linkTarget(asked, name string, hash plumbing.Hash, links int) (string, error) {
	if links >= maxLinks {
		return "", &fs.PathError{Op: "open", Path: asked, Err: fmt.Errorf("too many levels of symbolic links")}
	}
	blob, err := object.GetBlob(t.store, hash)
	if err != nil {
		return "", &fs.PathError{Op: "open", Path: asked, Err: err}
	}
	r, err := blob.Reader()
	if err != nil {
		return "", &fs.PathError{Op: "open", Path: asked, Err: err}
	}
	defer r.Close()
	raw, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return "", &fs.PathError{Op: "open", Path: asked, Err: err}
	}
	link := string(raw)
	target := path.Join(path.Dir(name), link)
	if path.IsAbs(link) || !fs.ValidPath(target) {
		return "", &fs.PathError{Op: "open", Path: asked, Err: &manifests.EscapeError{Path: fmt.Sprintf("the symlink %s -> %s", name, link)}}
	}
	return target, nil
}

func (t *TreeFS) openBlob(name string, hash plumbing.Hash) (fs.File, error) {
	blob, err := object.GetBlob(t.store, hash)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if blob.Size > MaxFileSize {
		return nil, &fs.PathError{Op: "open", Path: name, Err: &TooLargeError{Path: name, Size: blob.Size}}
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer r.Close()
	// Read whole under the lock: the storage is not safe for concurrent
	// use. MaxFileSize bounds it.
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return &treeFile{Reader: bytes.NewReader(data), info: fileInfo{name: path.Base(name), size: blob.Size, mode: 0o444, when: t.when}}, nil
}

// treeFile is an open blob.
type treeFile struct {
	*bytes.Reader
	info fileInfo
}

func (f *treeFile) Close() error { return nil }

func (f *treeFile) Stat() (fs.FileInfo, error) { return f.info, nil }

// treeDir is an open tree.
type treeDir struct {
	fs   *TreeFS
	name string
	tree *object.Tree
	read int
}

func (d *treeDir) Stat() (fs.FileInfo, error) {
	return fileInfo{name: path.Base(d.name), mode: fs.ModeDir | 0o555, when: d.fs.when}, nil
}

func (d *treeDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: fmt.Errorf("is a directory")}
}

func (d *treeDir) Close() error { return nil }

// ReadDir lists the tree's entries in git's order, which is by name.
func (d *treeDir) ReadDir(n int) ([]fs.DirEntry, error) {
	entries := d.tree.Entries[d.read:]
	if n > 0 && len(entries) > n {
		entries = entries[:n]
	}
	if n > 0 && len(entries) == 0 {
		return nil, io.EOF
	}
	out := make([]fs.DirEntry, 0, len(entries))
	for _, e := range entries {
		mode := fs.FileMode(0o444)
		switch e.Mode {
		case filemode.Dir:
			mode = fs.ModeDir | 0o555
		case filemode.Symlink:
			mode = fs.ModeSymlink | 0o777
		case filemode.Submodule:
			mode = fs.ModeIrregular
		}
		out = append(out, dirEntry{fs: d.fs, entry: e, info: fileInfo{name: e.Name, mode: mode, when: d.fs.when}})
	}
	d.read += len(entries)
	return out, nil
}

// dirEntry is one entry of a tree; its size is read only when asked.
type dirEntry struct {
	fs    *TreeFS
	entry object.TreeEntry
	info  fileInfo
}

func (e dirEntry) Name() string      { return e.info.name }
func (e dirEntry) IsDir() bool       { return e.info.IsDir() }
func (e dirEntry) Type() fs.FileMode { return e.info.mode.Type() }

// Info is the entry's FileInfo, with a blob's size.
func (e dirEntry) Info() (fs.FileInfo, error) {
	if e.info.mode.IsRegular() {
		e.fs.mu.Lock()
		blob, err := object.GetBlob(e.fs.store, e.entry.Hash)
		e.fs.mu.Unlock()
		if err != nil {
			return nil, &fs.PathError{Op: "stat", Path: e.info.name, Err: err}
		}
		e.info.size = blob.Size
	}
	return e.info, nil
}

// fileInfo describes a tree entry.
type fileInfo struct {
	name string
	size int64
	mode fs.FileMode
	when time.Time
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return i.size }
func (i fileInfo) Mode() fs.FileMode  { return i.mode }
func (i fileInfo) ModTime() time.Time { return i.when }
func (i fileInfo) IsDir() bool        { return i.mode.IsDir() }
func (i fileInfo) Sys() any           { return nil }

var _ fs.ReadDirFile = (*treeDir)(nil)

// cleanPath makes a --path value a path inside the tree.
func cleanPath(p string) string {
	p = path.Clean("/" + strings.TrimSpace(p))
	if p == "/" {
		return "."
	}
	return p[1:]
}
