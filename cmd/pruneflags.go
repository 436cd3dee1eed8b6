package cmd

import (
	"fmt"
	"strings"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/internal/kube"
	"github.com/spf13/pflag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// pruneFlags are the ApplySet and selector flags of apply and diff.
type pruneFlags struct {
	Prune      bool
	ApplySet   string
	Selector   string
	AllowEmpty bool
	Allow      []string
	Cascade    string
}

// pruneOptions are validated prune settings.
type pruneOptions struct {
	// ApplySet is the --applyset reference, "" without prune; it is
	// resolved against the cluster later.
	ApplySet   string
	Selector   labels.Selector
	AllowEmpty bool
	Allow      []string
	Cascade    metav1.DeletionPropagation
}

// add registers the flags; apply gets the safety and cascade flags too.
func (f *pruneFlags) add(fl *pflag.FlagSet, apply bool) {
	fl.BoolVar(&f.Prune, "prune", false, "delete the members of --applyset that the manifests no longer hold")
	fl.StringVar(&f.ApplySet, "applyset", "", "the ApplySet the objects belong to: NAME (a Secret in the namespace), configmaps/NAME or KIND.GROUP/NAME (a custom resource)")
	fl.StringVarP(&f.Selector, "selector", "l", "", "only objects whose labels match this selector (app=web,tier!=db); with --prune, only matching members are pruned")
	if !apply {
		return
	}
	fl.BoolVar(&f.AllowEmpty, "prune-allow-empty", false, "with --prune, accept manifests that hold no objects, and so prune every member")
	fl.StringSliceVar(&f.Allow, "prune-allow", nil, "kinds prune may delete although that deletes everything inside them: namespaces, customresourcedefinitions")
	fl.StringVar(&f.Cascade, "cascade", "background", `how a pruned object's dependents go: "background", "foreground" or "orphan"`)
}

// toOptions validates the flags. It is pure.
func (f pruneFlags) toOptions() (pruneOptions, error) {
	var o pruneOptions
	switch {
	case f.Prune && f.ApplySet == "":
		return o, fmt.Errorf("--prune needs --applyset NAME: converge prunes only the members of an ApplySet, never by guessing")
	case f.ApplySet != "" && !f.Prune:
		return o, fmt.Errorf("--applyset requires --prune, as in kubectl: pass both")
	case !f.Prune && (f.AllowEmpty || len(f.Allow) > 0):
		return o, fmt.Errorf("--prune-allow-empty and --prune-allow need --prune --applyset NAME")
	}
	if f.Selector != "" {
		sel, err := labels.Parse(f.Selector)
		if err != nil {
			return o, fmt.Errorf("invalid --selector %q: %w; write it as kubectl does, such as app=web,tier!=db", f.Selector, err)
		}
		o.Selector = sel
	}
	cascade, err := parseCascade(f.Cascade)
	if err != nil {
		return o, err
	}
	if f.Prune {
		o.Cascade = cascade
	}
	for _, a := range f.Allow {
		switch strings.ToLower(a) {
		case "namespaces", "namespace", "ns":
			o.Allow = append(o.Allow, "namespaces")
		case "customresourcedefinitions", "customresourcedefinition", "crd", "crds":
			o.Allow = append(o.Allow, "customresourcedefinitions")
		default:
			return o, fmt.Errorf("invalid --prune-allow %q: use namespaces or customresourcedefinitions", a)
		}
	}
	o.ApplySet, o.AllowEmpty = f.ApplySet, f.AllowEmpty
	return o, nil
}

// parseCascade reads kubectl's --cascade values; "true" and "false" are
// kubectl's deprecated forms of background and orphan.
func parseCascade(v string) (metav1.DeletionPropagation, error) {
	switch v {
	case "", "background", "true":
		return metav1.DeletePropagationBackground, nil
	case "foreground":
		return metav1.DeletePropagationForeground, nil
	case "orphan", "false":
		return metav1.DeletePropagationOrphan, nil
	}
	return "", fmt.Errorf("invalid --cascade %q: use background, foreground or orphan", v)
}

// resolve finds the ApplySet parent in the cluster's kinds and sets the
// prune options of an apply or a diff.
func (o pruneOptions) resolve(clients *kube.Clients, a *apply.Options) error {
	if o.Selector != nil && !o.Selector.Empty() {
		a.Selector = o.Selector.String()
	}
	if o.ApplySet == "" {
		return nil
	}
	p, err := applyset.ParseRef(o.ApplySet, clients.Mapper, clients.Namespace)
	if err != nil {
		return err
	}
	a.ApplySet, a.PruneAllow, a.PruneAllowEmpty, a.Cascade, a.Version = &p, o.Allow, o.AllowEmpty, o.Cascade, version
	return nil
}
