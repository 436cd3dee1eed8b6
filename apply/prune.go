package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/parallel"
	"github.com/convergehq/converge/manifests"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// PruneGuardError refuses a prune that would delete a Namespace or a
// CustomResourceDefinition, and with it everything inside, unless the
// kind is named in Options.PruneAllow.
type PruneGuardError struct {
	// Objects say, one per line, what each delete would take.
	Objects []string
}

// Error lists the objects and says how to allow them.
func (e *PruneGuardError) Error() string {
	return fmt.Sprintf("prune would delete objects that take everything inside them:\n  %s\nput them back in the manifests, or pass --prune-allow namespaces,customresourcedefinitions to delete them",
		strings.Join(e.Objects, "\n  "))
}

// guarded are the kinds whose deletion takes other objects, by the
// resource name --prune-allow uses.
var guarded = map[schema.GroupKind]string{
	{Kind: "Namespace"}: "namespaces",
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}: "customresourcedefinitions",
}

// guardPrune refuses prunes of guarded kinds not in Options.PruneAllow.
func (x *Executor) guardPrune(ctx context.Context, cs diff.ChangeSet) error {
	var lines []string
	for _, c := range cs.Pruned() {
		res, ok := guarded[schema.GroupKind{Group: c.ID.Group, Kind: c.ID.Kind}]
		if !ok || slices.Contains(x.Options.PruneAllow, res) {
			continue
		}
		lines = append(lines, c.ID.KindName()+": "+x.contents(ctx, cs, c))
	}
	if len(lines) == 0 {
		return nil
	}
	return &PruneGuardError{Objects: lines}
}

// contents says what deleting a Namespace or a CRD would take with it.
func (x *Executor) contents(ctx context.Context, cs diff.ChangeSet, c diff.Change) string {
	if c.ID.Kind == "Namespace" {
		kept := 0
		for _, o := range cs.Changes {
			if o.ID.Namespace == c.ID.Name && o.Action != diff.ActionPrune {
				kept++
			}
		}
		return fmt.Sprintf("everything in namespace %s, including %d object(s) the manifests still hold", c.ID.Name, kept)
	}
	plural, group, _ := strings.Cut(c.ID.Name, ".")
	gvk, err := x.Planner.Clients.Mapper.KindFor(schema.GroupVersionResource{Group: group, Resource: plural})
	if err != nil {
		return "every object of its kind"
	}
	list, err := x.Planner.Clients.Metadata.Resource(schema.GroupVersionResource{Group: group, Version: gvk.Version, Resource: plural}).List(ctx, metav1.ListOptions{})
	if err != nil {
		return "every " + gvk.Kind + " in the cluster"
	}
	return fmt.Sprintf("every %s in the cluster (%d now)", gvk.Kind, len(list.Items))
}

// prune deletes the members the manifests no longer hold, wave by wave in
// prune order, each wave in parallel.
func (x *Executor) prune(ctx context.Context, prunes []diff.Change) []Entry {
	var out []Entry
	for _, wave := range waves(diff.ChangeSet{Changes: prunes}) {
		entries := make([]Entry, len(wave))
		parallel.Do(x.concurrency(), len(wave), func(i int) {
			c := wave[i]
			entries[i] = Entry{ID: c.ID, Action: diff.ActionPrune}
			x.keep(&entries[i], c.Live)
			if err := x.delete(ctx, c); err != nil {
				entries[i].Err = &manifests.ObjectError{ID: c.ID, Op: "prune", Err: err}
			}
		})
		if x.Options.Progress != nil {
			x.Options.Progress(entries)
		}
		out = append(out, entries...)
		if len(Result{Entries: entries}.Failed()) > 0 {
			break // keep the rest for the next run
		}
	}
	return out
}

// delete removes one member, bound to the uid that was listed.
func (x *Executor) delete(ctx context.Context, c diff.Change) error {
	if x.Options.DryRun == DryRunClient {
		return nil
	}
	uid := c.Live.GetUID()
	policy := x.Options.Cascade
	if policy == "" {
		policy = metav1.DeletePropagationBackground
	}
	opts := metav1.DeleteOptions{PropagationPolicy: &policy, Preconditions: &metav1.Preconditions{UID: &uid}}
	if x.Options.DryRun == DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	err := x.Planner.Resource(c).Delete(ctx, c.ID.Name, opts)
	if apierrors.IsNotFound(err) {
		return nil // gone already
	}
	if apierrors.IsConflict(err) {
		return errors.New("the object was deleted and created again since it was listed: run apply again")
	}
	return err
}
