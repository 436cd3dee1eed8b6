package cmd

import (
	"fmt"
	"io"

	"github.com/convergehq/converge/manifests"
	"github.com/spf13/pflag"
)

// manifestFlags are the input flags shared by every command that reads
// manifests: -f, -R, -k and --skip-non-k8s.
type manifestFlags struct {
	Filenames  []string
	Recursive  bool
	Kustomize  string
	SkipNonK8s bool
}

func (f *manifestFlags) add(fl *pflag.FlagSet, verb string) {
	fl.StringSliceVarP(&f.Filenames, "filename", "f", nil, "files, directories or - (stdin) with the manifests to "+verb+"; repeatable")
	fl.BoolVarP(&f.Recursive, "recursive", "R", false, "read directories given to -f recursively")
	fl.StringVarP(&f.Kustomize, "kustomize", "k", "", "render the kustomization in this directory and "+verb+" the result")
	fl.BoolVar(&f.SkipNonK8s, "skip-non-k8s", false, "warn about, instead of failing on, YAML documents that are not Kubernetes objects")
}

// toOptions validates the input flags. It is pure.
func (f manifestFlags) toOptions() (manifests.Options, error) {
	switch {
	case len(f.Filenames) == 0 && f.Kustomize == "":
		return manifests.Options{}, fmt.Errorf("must specify -f or -k: pass files, directories, - for stdin, or a kustomization directory (-f manifests/ or -k overlays/prod)")
	case len(f.Filenames) > 0 && f.Kustomize != "":
		return manifests.Options{}, fmt.Errorf("-f and -k cannot be used together: pass either files with -f or one kustomization with -k")
	case f.Recursive && f.Kustomize != "":
		return manifests.Options{}, fmt.Errorf("-R applies to -f directories only; -k renders the whole kustomization")
	}
	return manifests.Options{Paths: f.Filenames, Recursive: f.Recursive, Kustomize: f.Kustomize, SkipNonK8s: f.SkipNonK8s}, nil
}

// printWarnings writes the set's warnings to w.
func printWarnings(w io.Writer, set manifests.Set) {
	for _, p := range set.Warnings {
		fmt.Fprintf(w, "warning: %s\n", p.Error())
	}
}
