package manifests

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Options says what to load.
type Options struct {
	// Paths are files, directories, or "-" for stdin, as given to -f.
	Paths []string
	// Recursive descends into subdirectories of directories in Paths (-R).
	Recursive bool
	// Stdin is read when a path is "-". Defaults to os.Stdin.
	Stdin io.Reader
}

// manifestExts are the file extensions read from directories.
var manifestExts = map[string]bool{".yaml": true, ".yml": true, ".json": true}

// kustomizationFiles are the names that mark a directory as a kustomization.
var kustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// Load reads every path in opts and returns the objects in the order they
// were read. When anything is wrong it returns a *LoadError listing every
// problem, and no objects.
func Load(ctx context.Context, opts Options) (Set, error) {
	if len(opts.Paths) == 0 {
		return Set{}, errors.New("no manifests given: pass -f FILE, -f DIR or -f - for stdin")
	}
	var set Set
	var problems []Problem
	for _, p := range opts.Paths {
		if err := ctx.Err(); err != nil {
			return Set{}, err
		}
		objs, probs := loadPath(opts, p)
		set.Objects = append(set.Objects, objs...)
		problems = append(problems, probs...)
	}
	problems = append(problems, duplicates(set)...)
	if len(problems) > 0 {
		return Set{}, &LoadError{Problems: problems}
	}
	return set, nil
}

func loadPath(opts Options, path string) ([]Object, []Problem) {
	if path == "-" {
		in := opts.Stdin
		if in == nil {
			in = os.Stdin
		}
		data, err := io.ReadAll(in)
		if err != nil {
			return nil, []Problem{{Origin: Origin{File: "-"}, Message: "read stdin: " + err.Error()}}
		}
		return decodeFile("-", data, false)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, []Problem{{Origin: Origin{File: path}, Message: "cannot read: " + friendlyPathError(err)}}
	}
	if !info.IsDir() {
		return loadFile(path)
	}
	files, probs := listDir(path, opts.Recursive)
	var objs []Object
	for _, f := range files {
		o, p := loadFile(f)
		objs = append(objs, o...)
		probs = append(probs, p...)
	}
	return objs, probs
}

func loadFile(path string) ([]Object, []Problem) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []Problem{{Origin: Origin{File: path}, Message: "cannot read: " + friendlyPathError(err)}}
	}
	return decodeFile(path, data, strings.EqualFold(filepath.Ext(path), ".json"))
}

// listDir returns the manifest files under dir in lexical order. A
// kustomization directory is refused: it is rendered with -k, not applied.
func listDir(dir string, recursive bool) ([]string, []Problem) {
	var files []string
	var problems []Problem
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			problems = append(problems, Problem{Origin: Origin{File: p}, Message: "cannot read: " + friendlyPathError(err)})
			return nil
		}
		if d.IsDir() {
			if p != dir && !recursive {
				return fs.SkipDir
			}
			if k := kustomizationIn(p); k != "" {
				problems = append(problems, Problem{Origin: Origin{File: k}, Message: fmt.Sprintf("%s is a kustomization, not a set of objects; use -k %s", p, p)})
				return fs.SkipDir
			}
			return nil
		}
		if manifestExts[strings.ToLower(filepath.Ext(p))] {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		problems = append(problems, Problem{Origin: Origin{File: dir}, Message: err.Error()})
	}
	sort.Strings(files)
	return files, problems
}

func kustomizationIn(dir string) string {
	for _, name := range kustomizationFiles {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func friendlyPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(err, fs.ErrNotExist) {
			return "no such file or directory; check the path given to -f"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

// duplicates reports objects that share group, kind, namespace and name.
func duplicates(set Set) []Problem {
	seen := map[ObjectID]Origin{}
	var problems []Problem
	for _, o := range set.Objects {
		if o.GetName() == "" {
			continue // generateName objects are unique by construction
		}
		id := o.ID()
		if first, ok := seen[id]; ok {
			problems = append(problems, Problem{Origin: o.Origin, Message: fmt.Sprintf("%s is defined twice, first at %s; remove one of them", id, first)})
			continue
		}
		seen[id] = o.Origin
	}
	return problems
}
