package manifests

import (
	"context"
	"errors"
	"fmt"
	"github.com/convergehq/converge/internal/parallel"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
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
	// Kustomize is a kustomization directory to render (-k). It excludes
	// Paths.
	Kustomize string
	// SkipNonK8s turns YAML documents that are not Kubernetes objects (no
	// apiVersion or kind) into warnings instead of errors.
	SkipNonK8s bool
	// Visit, when set, sees the objects of each source as soon as that
	// source is decoded, so a caller can process objects without holding
	// the whole set: it is called once per file, once for stdin and once
	// for the output of a kustomization, with that source's objects in the
	// order they were read; not for a source without objects. Files of a
	// directory are decoded concurrently, so calls may run at the same time
	// and finish in any order. Visit returns a Visited for each object it
	// was given, in the same order: the objects it does not keep are left
	// out of Set.Objects, and remembered only by their Ref, with the note
	// it returned. Every check Load makes across the set (removed APIs,
	// duplicates, no objects) counts every object. It is called even for
	// sources with problems, when Load goes on to fail. Nil keeps every
	// object.
	Visit func(objs []Object) []Visited
	// AllowEmpty accepts paths that hold no objects, as apply --prune
	// does to delete every member of a set.
	AllowEmpty bool
	// FS, when set, is read instead of the local disk, such as a git
	// commit's tree: Paths and Kustomize are then slash-separated paths
	// inside it, and origins name them so. Nothing outside FS is read:
	// a path or kustomization that climbs out of it fails.
	FS fs.FS
}

// manifestExts are the file extensions read from directories.
var manifestExts = map[string]bool{".yaml": true, ".yml": true, ".json": true}

// kustomizationFiles are the names that mark a directory as a kustomization.
var kustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// Load reads every path in opts and returns the objects in the order they
// were read. When anything is wrong it returns a *LoadError listing every
// problem, and no objects.
func Load(ctx context.Context, opts Options) (Set, error) {
	switch {
	case len(opts.Paths) == 0 && opts.Kustomize == "":
		return Set{}, errors.New("no manifests given: pass -f FILE, -f DIR, -f - for stdin, or -k DIR for a kustomization")
	case len(opts.Paths) > 0 && opts.Kustomize != "":
		return Set{}, errors.New("-f and -k cannot be used together: render the kustomization with -k, or list files with -f")
	}
	var set Set
	var problems, removed []Problem
	collect := func(l loaded) {
		if set.Refs == nil {
			set.Objects, set.Refs = l.objs, l.refs
		} else {
			set.Objects = append(set.Objects, l.objs...)
			set.Refs = append(set.Refs, l.refs...)
		}
		removed = append(removed, l.removed...)
		for _, p := range l.problems {
			if p.Warning || (opts.SkipNonK8s && p.NotK8s) {
				p.Warning = true
				set.Warnings = append(set.Warnings, p)
			} else {
				problems = append(problems, p)
			}
		}
	}
	if opts.Kustomize != "" {
		collect(opts.visit(loadKustomization(ctx, opts, opts.Kustomize)))
	}
	for _, p := range opts.Paths {
		if err := ctx.Err(); err != nil {
			return Set{}, err
		}
		collect(loadPath(opts, p))
	}
	problems = append(problems, removed...)
	problems = append(problems, duplicates(set.Refs)...)
	if len(problems) > 0 {
		return Set{}, &LoadError{Problems: problems}
	}
	if len(set.Refs) == 0 && opts.Kustomize == "" && !opts.AllowEmpty {
		return Set{}, fmt.Errorf("no objects found in %s: check the paths, and pass -R to read subdirectories", strings.Join(opts.Paths, ", "))
	}
	return set, nil
}

// loaded is what one source, or all files of a directory, gave.
type loaded struct {
	objs     []Object  // the objects kept
	refs     []Ref     // every object
	removed  []Problem // objects of API versions no longer served
	problems []Problem
}

// merge joins what sources gave, in order, after problems; each slice is
// allocated once, as thousands of files would otherwise grow them again
// and again.
func merge(problems []Problem, ls []loaded) loaded {
	var nObjs, nRefs int
	for _, l := range ls {
		nObjs, nRefs = nObjs+len(l.objs), nRefs+len(l.refs)
	}
	all := loaded{objs: make([]Object, 0, nObjs), refs: make([]Ref, 0, nRefs), problems: problems}
	for _, l := range ls {
		all.objs = append(all.objs, l.objs...)
		all.refs = append(all.refs, l.refs...)
		all.removed = append(all.removed, l.removed...)
		all.problems = append(all.problems, l.problems...)
	}
	return all
}

func loadPath(opts Options, path string) loaded {
	if path == "-" {
		in := opts.Stdin
		if in == nil {
			in = os.Stdin
		}
		data, err := io.ReadAll(in)
		if err != nil {
			return loaded{problems: []Problem{{Origin: Origin{File: "-"}, Message: "read stdin: " + err.Error()}}}
		}
		return opts.visit(decodeFile("-", data, false))
	}
	src := opts.source()
	if opts.FS != nil {
		path = src.walkRoot(path) // as the tree names it
	}
	info, err := src.stat(path)
	if err != nil {
		return loaded{problems: []Problem{{Origin: Origin{File: path}, Message: "cannot read: " + friendlyPathError(err)}}}
	}
	if !info.IsDir() {
		return opts.visit(loadFile(src, path))
	}
	files, probs := listDir(src, path, opts.Recursive)
	// Files decode and are visited in parallel; results keep the file
	// order.
	of := make([]loaded, len(files))
	parallel.Do(runtime.GOMAXPROCS(0), len(files), func(i int) {
		of[i] = opts.visit(loadFile(src, files[i]))
	})
	return merge(probs, of)
}

// visit checks the objects of one source for removed API versions,
// remembers their Refs and passes them through opts.Visit.
func (opts Options) visit(objs []Object, probs []Problem) loaded {
	l := loaded{objs: objs, refs: make([]Ref, len(objs)), problems: probs}
	for i, o := range objs {
		if p := checkRemovedAPI(o); p != nil {
			l.removed = append(l.removed, *p)
		}
		l.refs[i] = Ref{ID: o.ID(), Origin: o.Origin}
	}
	if opts.Visit == nil || len(objs) == 0 {
		return l
	}
	said := opts.Visit(objs)
	l.objs = nil
	for i, o := range objs {
		v := Visited{Keep: true} // an object the hook said nothing of stays
		if i < len(said) {
			v = said[i]
		}
		l.refs[i].Note = v.Note
		if v.Keep {
			l.objs = append(l.objs, o)
		}
	}
	return l
}

func loadFile(src files, path string) ([]Object, []Problem) {
	data, err := src.readFile(path)
	if err != nil {
		return nil, []Problem{{Origin: Origin{File: path}, Message: "cannot read: " + friendlyPathError(err)}}
	}
	isJSON := strings.EqualFold(filepath.Ext(path), ".json")
	if isJSON && len(data) == 0 {
		return nil, []Problem{{Origin: Origin{File: path}, Message: "empty JSON file skipped", Warning: true}}
	}
	return decodeFile(path, data, isJSON)
}

// listDir returns the manifest files under dir in lexical order. A
// kustomization directory is refused: it is rendered with -k, not applied.
func listDir(src files, dir string, recursive bool) ([]string, []Problem) {
	var files []string
	var problems []Problem
	root := src.walkRoot(dir)
	err := src.walkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			problems = append(problems, Problem{Origin: Origin{File: p}, Message: "cannot read: " + friendlyPathError(err)})
			return nil
		}
		if d.IsDir() {
			if p != root && !recursive {
				return fs.SkipDir
			}
			if k := kustomizationIn(src, p); k != "" {
				d := filepath.Clean(p)
				problems = append(problems, Problem{Origin: Origin{File: k}, Message: fmt.Sprintf("%s is a kustomization, not a set of objects; use -k %s", d, d)})
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

func kustomizationIn(src files, dir string) string {
	for _, name := range kustomizationFiles {
		p := src.join(dir, name)
		if _, err := src.stat(p); err == nil {
			return p
		}
	}
	return ""
}

func friendlyPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if esc, ok := errors.AsType[*EscapeError](err); ok {
			return esc.Error()
		}
		if errors.Is(err, fs.ErrNotExist) {
			return "no such file or directory; check the path given to -f"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

// duplicates reports objects that share group, kind, namespace and name.
func duplicates(refs []Ref) []Problem {
	// seen holds the index of each ID's first object; sized up front, as
	// growing a map of thousands of IDs costs more than filling it.
	seen := make(map[ObjectID]int, len(refs))
	var problems []Problem
	for i, r := range refs {
		if r.ID.Name == "" {
			continue // generateName objects are unique by construction
		}
		if first, ok := seen[r.ID]; ok {
			problems = append(problems, Problem{Origin: r.Origin, Message: fmt.Sprintf("%s is defined twice, first at %s; remove one of them", r.ID, refs[first].Origin)})
			continue
		}
		seen[r.ID] = i
	}
	return problems
}
