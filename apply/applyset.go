package apply

import (
	"context"
	"slices"

	"github.com/convergehq/converge/applyset"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// setWriter keeps an ApplySet's parent in step with an apply: the union of
// the old and new group-kinds and namespaces before the first member is
// written, and only the new ones after a prune that succeeded.
type setWriter struct {
	clients *kube.Clients
	parent  applyset.Parent
	// before is what the parent recorded when the run began; updated is
	// what the applied set holds.
	before, updated applyset.State
	version         string
	dryRun          DryRun
	// keepBefore keeps the old entries after the prune too, when -l left
	// some members out of this run.
	keepBefore bool
	wroteUnion bool
	// current is what the parent holds now.
	current applyset.State
}

// stateOf is the group-kinds and namespaces of the objects of changes.
func stateOf(changes []diff.Change) applyset.State {
	var s applyset.State
	for _, c := range changes {
		s.GroupKinds = append(s.GroupKinds, schema.GroupKind{Group: c.ID.Group, Kind: c.ID.Kind})
		if c.Mapping != nil && c.Mapping.Scope.Name() == meta.RESTScopeNameNamespace {
			s.Namespaces = append(s.Namespaces, c.ID.Namespace)
		}
	}
	return s.Union(applyset.State{})
}

// beforeWave writes the union into the parent before the first wave that
// is not Namespaces, so a parent in a namespace the set creates can be
// written.
func (w *setWriter) beforeWave(ctx context.Context, wave []diff.Change) error {
	if w == nil || w.wroteUnion || (len(wave) > 0 && manifests.Rank(wave[0].ID) == 0) {
		return nil
	}
	w.wroteUnion = true
	return w.write(ctx, w.before.Union(w.updated))
}

// start sets what the parent holds when the run begins.
func (w *setWriter) start(before, updated applyset.State) {
	if w.parent.Namespace != "" {
		// parseState counts the parent's own namespace; so does this.
		updated = updated.Union(applyset.State{Namespaces: []string{w.parent.Namespace}})
	}
	w.before, w.updated, w.current = before, updated, before
}

// afterPrune records only what the set now holds.
func (w *setWriter) afterPrune(ctx context.Context) error {
	if w == nil {
		return nil
	}
	if err := w.beforeWave(ctx, nil); err != nil {
		return err
	}
	s := w.updated
	if w.keepBefore {
		s = w.before.Union(w.updated)
	}
	return w.write(ctx, s.Union(w.unmapped()))
}

// unmapped keeps the kinds of the old record the cluster does not map
// now (an API briefly unserved): their members could not be listed, so
// they stay recorded for a later run to prune.
func (w *setWriter) unmapped() applyset.State {
	var s applyset.State
	for _, gk := range w.before.GroupKinds {
		if _, err := w.clients.Mapper.RESTMapping(gk); err != nil {
			s.GroupKinds = append(s.GroupKinds, gk)
		}
	}
	if len(s.GroupKinds) > 0 {
		s.Namespaces = w.before.Namespaces
	}
	return s
}

// write records s in the parent, unless the parent holds it already: a
// no-op apply writes nothing.
func (w *setWriter) write(ctx context.Context, s applyset.State) error {
	if w.current.Exists && slices.Equal(s.GroupKinds, w.current.GroupKinds) && slices.Equal(s.Namespaces, w.current.Namespaces) {
		return nil
	}
	if w.dryRun == DryRunClient {
		return nil
	}
	if err := applyset.Write(ctx, w.clients, w.parent, s, w.version, w.dryRun == DryRunServer); err != nil {
		return err
	}
	if w.dryRun == DryRunNone {
		s.Exists = true
		w.current = s
	}
	return nil
}
