package manifests

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// kustomizeMu runs one build at a time: krusty keeps process-wide state
// (the OpenAPI schema it sets from each kustomization).
var kustomizeMu sync.Mutex

// loadKustomization renders the kustomization in dir with krusty, as
// `kubectl kustomize dir` does (default options: no plugins, files only
// from within the kustomization root, kustomize's own output order).
//
// Every object gets an Origin naming the resource file it came from, or for
// generated objects the kustomization file that configured the generator.
// Kustomize only records origins when the kustomization asks for them with
// buildMetadata: [originAnnotations], so the top-level kustomization is read
// through originFS, which adds that option in memory; the annotations are
// stripped again before the objects are returned, exactly as kustomize strips
// them when the option is off.
func loadKustomization(ctx context.Context, opts Options, dir string) ([]Object, []Problem) {
	fail := func(file, msg string) ([]Object, []Problem) {
		return nil, []Problem{{Origin: Origin{File: file}, Message: msg}}
	}
	src := opts.source()
	info, err := src.stat(dir)
	switch {
	case err != nil && errors.Is(err, fs.ErrNotExist):
		return fail(dir, "no such directory; check the path given to -k")
	case err != nil:
		return fail(dir, "cannot read: "+friendlyPathError(err))
	case !info.IsDir():
		return fail(dir, "is a file, not a kustomization directory; -k takes the directory that holds kustomization.yaml, and -f "+dir+" applies the file as it is")
	}
	kfile := kustomizationIn(src, dir)
	if kfile == "" {
		return fail(dir, "no kustomization.yaml, kustomization.yml or Kustomization in this directory, so there is nothing to render; to apply the manifests in it as they are, use -f "+dir)
	}
	if err := ctx.Err(); err != nil {
		return fail(kfile, "kustomize build not started: "+err.Error())
	}

	roots := map[string]bool{}
	if opts.FS != nil {
		if err := checkRemoteBases(opts.FS, treeFiles{}.walkRoot(dir), roots); err != nil {
			re, _ := errors.AsType[*RemoteBaseError](err)
			return nil, []Problem{{Origin: re.Origin, Message: strings.TrimPrefix(re.Error(), re.Origin.String()+": ")}}
		}
	}
	disk, top, err := kustomizeFS(opts, dir, roots)
	if err != nil {
		return fail(dir, "cannot read: "+friendlyPathError(err))
	}
	root, err := filesys.ConfirmDir(disk, top)
	if err != nil {
		return fail(dir, "cannot read: "+err.Error())
	}
	fsys := newOriginFS(ctx, disk, root)

	kustomizeMu.Lock()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, string(root))
	kustomizeMu.Unlock()
	if cerr := ctx.Err(); cerr != nil {
		return fail(kfile, "kustomize build stopped: "+cerr.Error())
	}
	if err != nil {
		msg := kustomizeMessage(err, dir, kfile, fsys.redact)
		return nil, []Problem{{Origin: Origin{File: kfile}, Message: msg, NeedsHelm: strings.Contains(err.Error(), helmNotEnabled)}}
	}
	return convertResMap(m, newOriginLocator(dir, kfile, src.readFile), kfile, fsys.userWantsOrigins())
}

// kustomizeFS is the file system kustomize renders dir from, and dir in
// it: the disk, or for Options.FS an in-memory copy, rooted at "/", of the
// kustomizations reachable from dir (roots), each with everything below
// it: kustomize reads no file outside a kustomization's root, so nothing
// else of the tree is read, and nothing outside it can be.
func kustomizeFS(opts Options, dir string, roots map[string]bool) (filesys.FileSystem, string, error) {
	if opts.FS == nil {
		return filesys.MakeFsOnDisk(), dir, nil
	}
	mem := filesys.MakeFsInMemory()
	for root := range roots {
		err := fs.WalkDir(opts.FS, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return mem.MkdirAll("/" + p)
			}
			data, err := fs.ReadFile(opts.FS, p)
			if err != nil {
				return err
			}
			return mem.WriteFile("/"+p, data)
		})
		if err != nil {
			return nil, "", err
		}
	}
	return mem, "/" + treeFiles{}.walkRoot(dir), nil
}

// convertResMap turns kustomize's output into Objects, in kustomize's
// order. keepOrigins leaves the origin annotations in place, for a
// kustomization that asked for them itself.
func convertResMap(m resmap.ResMap, locate *originLocator, kfile string, keepOrigins bool) ([]Object, []Problem) {
	resources := m.Resources()
	origins := make([]Origin, len(resources))
	for i, r := range resources {
		ko, err := r.GetOrigin()
		if err != nil {
			ko = nil // unreadable annotation: fall back to the kustomization
		}
		origins[i] = locate.origin(ko, r.GetKind(), r.GetName())
	}
	if !keepOrigins {
		// The same call kustomize makes when originAnnotations is off, so
		// the objects come out as kubectl kustomize prints them.
		if err := m.RemoveOriginAnnotations(); err != nil {
			return nil, []Problem{{Origin: Origin{File: kfile}, Message: "cannot remove kustomize's origin annotations: " + err.Error()}}
		}
	}
	objs := make([]Object, 0, len(resources))
	var problems []Problem
	for i, r := range resources {
		raw, err := r.Map()
		if err == nil {
			err = normalizeMap(raw)
		}
		if err != nil {
			// Map's error goes on to quote the whole object, which may be
			// a Secret; its first part says what is wrong.
			msg, _, _ := strings.Cut(err.Error(), " for the following resource")
			msg = strings.TrimSpace(spaceRE.ReplaceAllString(msg, " "))
			problems = append(problems, Problem{Origin: origins[i], Message: fmt.Sprintf("%s %s rendered by kustomize cannot be converted to JSON: %s; fix the value in the manifest", r.GetKind(), r.GetName(), msg)})
			continue
		}
		objs = append(objs, Object{Unstructured: &unstructured.Unstructured{Object: raw}, Origin: origins[i]})
	}
	return objs, problems
}
