package manifests

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// files is where Load reads: the disk, or Options.FS (a git tree, say).
type files interface {
	stat(name string) (fs.FileInfo, error)
	readFile(name string) ([]byte, error)
	// walkRoot is the root to walk dir from.
	walkRoot(dir string) string
	walkDir(root string, fn fs.WalkDirFunc) error
	join(elem ...string) string
}

// diskFiles reads the local file system.
type diskFiles struct{}

func (diskFiles) stat(name string) (fs.FileInfo, error)     { return os.Stat(name) }
func (diskFiles) readFile(name string) ([]byte, error)      { return os.ReadFile(name) }
func (diskFiles) join(elem ...string) string                { return filepath.Join(elem...) }
func (diskFiles) walkDir(r string, fn fs.WalkDirFunc) error { return filepath.WalkDir(r, fn) }

// walkRoot ends dir with a separator, which makes WalkDir follow a
// symlinked directory.
func (diskFiles) walkRoot(dir string) string {
	return strings.TrimSuffix(dir, string(filepath.Separator)) + string(filepath.Separator)
}

// treeFiles reads an fs.FS, with slash-separated paths relative to its
// root. A path that climbs out of the root is refused.
type treeFiles struct{ fsys fs.FS }

// EscapeError is a path that leaves the tree Load reads from.
type EscapeError struct{ Path string }

// Error names the path.
func (e *EscapeError) Error() string {
	return fmt.Sprintf("%s leaves the repository: paths must stay inside it", e.Path)
}

func (t treeFiles) name(p string) (string, error) {
	c := path.Clean(strings.TrimPrefix(filepath.ToSlash(p), "/"))
	if !fs.ValidPath(c) {
		return "", &fs.PathError{Op: "open", Path: p, Err: &EscapeError{Path: p}}
	}
	return c, nil
}

func (t treeFiles) stat(p string) (fs.FileInfo, error) {
	n, err := t.name(p)
	if err != nil {
		return nil, err
	}
	return fs.Stat(t.fsys, n)
}

func (t treeFiles) readFile(p string) ([]byte, error) {
	n, err := t.name(p)
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(t.fsys, n)
}

func (t treeFiles) walkRoot(dir string) string {
	n, err := t.name(dir)
	if err != nil {
		return dir
	}
	return n
}

func (t treeFiles) walkDir(root string, fn fs.WalkDirFunc) error {
	if _, err := t.name(root); err != nil {
		return fn(root, nil, err)
	}
	return fs.WalkDir(t.fsys, root, fn)
}

func (treeFiles) join(elem ...string) string { return path.Join(elem...) }

// source returns where opts reads from.
func (opts Options) source() files {
	if opts.FS != nil {
		return treeFiles{fsys: opts.FS}
	}
	return diskFiles{}
}
