package manifests

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// remoteFields are the kustomization fields that may name a remote base.
var remoteFields = []string{"resources", "bases", "components"}

// RemoteBaseError is a kustomization, read from a tree (a git commit),
// that names a remote base: kustomize would fetch it with the git binary,
// from outside the tree, so it is refused.
type RemoteBaseError struct {
	Origin Origin
	Field  string
	Base   string
}

// Error names the kustomization, the entry and the way out.
func (e *RemoteBaseError) Error() string {
	return fmt.Sprintf("%s: %s names the remote base %q, which a repository synced from git may not fetch: vendor it into the repository", e.Origin, e.Field, e.Base)
}

// checkRemoteBases walks the kustomizations reachable from dir in fsys,
// through their local resources, bases and components, and returns the
// first remote base one names.
func checkRemoteBases(fsys fs.FS, dir string, seen map[string]bool) error {
	if seen[dir] {
		return nil
	}
	seen[dir] = true
	file, data := readKustomization(fsys, dir)
	if file == "" {
		return nil
	}
	rn, err := kyaml.Parse(string(data))
	if err != nil {
		return nil // kustomize reports it
	}
	for _, field := range remoteFields {
		f := rn.Field(field)
		if f == nil || f.Value.YNode().Kind != kyaml.SequenceNode {
			continue
		}
		for _, item := range f.Value.YNode().Content {
			if isRemote(item.Value) {
				return &RemoteBaseError{Origin: Origin{File: file, Line: item.Line, Column: item.Column}, Field: field, Base: item.Value}
			}
			sub := path.Join(dir, item.Value)
			if info, err := fs.Stat(fsys, sub); err == nil && info.IsDir() {
				if err := checkRemoteBases(fsys, sub, seen); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// IsKustomization reports whether dir in fsys holds a kustomization file:
// -k renders it, -f refuses it.
func IsKustomization(fsys fs.FS, dir string) bool {
	file, _ := readKustomization(fsys, dir)
	return file != ""
}

// IsManifestFile reports whether a directory's file of this name is read
// as manifests: .yaml, .yml or .json.
func IsManifestFile(name string) bool {
	return manifestExts[strings.ToLower(path.Ext(name))]
}

// readKustomization reads the kustomization file of dir, "" if none.
func readKustomization(fsys fs.FS, dir string) (string, []byte) {
	for _, name := range kustomizationFiles {
		p := path.Join(dir, name)
		if data, err := fs.ReadFile(fsys, p); err == nil {
			return p, data
		}
	}
	return "", nil
}

func isKustomizationFile(name string) bool {
	for _, k := range kustomizationFiles {
		if name == k {
			return true
		}
	}
	return false
}

// isRemote reports whether a kustomization entry is a git URL, in any of
// the forms kustomize accepts.
func isRemote(s string) bool {
	for _, prefix := range []string{"github.com/", "gitlab.com/", "bitbucket.org/", "git@", "git::", "ssh://", "https://", "http://", "file://"} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return strings.Contains(s, "?ref=") || strings.Contains(s, ".git//")
}

// KustomizationRoots are the directories of the kustomizations reachable
// from dir in fsys, dir included, through their local resources, bases and
// components: what a render of dir reads, since kustomize reads no file
// outside a kustomization's root.
func KustomizationRoots(fsys fs.FS, dir string) []string {
	seen := map[string]bool{}
	_ = checkRemoteBases(fsys, path.Clean(dir), seen)
	roots := make([]string, 0, len(seen))
	for r := range seen {
		roots = append(roots, r)
	}
	return roots
}
