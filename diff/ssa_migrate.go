package diff

import (
	"bytes"
	"fmt"
	"reflect"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// afterMigration predicts, from a forced dry-run apply made before the
// migration, the object after the migration and the apply: the fields that
// only the client-side apply managers owned, and that the applied
// configuration no longer holds, are removed, because the migration hands
// them to the field manager, whose apply then drops them. result's managed
// fields name what the applied configuration holds (the manager's Apply
// entry) and who else owns what.
func afterMigration(result *unstructured.Unstructured, csaManagers map[string]bool, manager string) *unstructured.Unstructured {
	var csa, kept fieldpath.Set
	for _, e := range result.GetManagedFields() {
		set, err := decodeFields(e)
		if err != nil {
			return result // unknown form: keep the server's prediction
		}
		switch {
		case e.Operation == metav1.ManagedFieldsOperationUpdate && csaManagers[e.Manager]:
			csa = *csa.Union(set)
		default:
			kept = *kept.Union(set)
		}
	}
	drop := csa.Difference(&kept)
	if drop.Empty() {
		return result
	}
	out := result.DeepCopy()
	leaves := drop.Leaves()
	// Whole list items that no one else holds a part of first (their
	// paths come before their fields'), then single fields.
	drop.Iterate(func(p fieldpath.Path) {
		item := p[len(p)-1].FieldName == nil && under(&kept, p).Empty()
		if item || leaves.Has(p) {
			out.Object = removePath(out.Object, p).(map[string]any)
		}
	})
	return out
}

// under returns the part of s below path p.
func under(s *fieldpath.Set, p fieldpath.Path) *fieldpath.Set {
	for _, pe := range p {
		s = s.WithPrefix(pe)
	}
	return s
}

func decodeFields(e metav1.ManagedFieldsEntry) (*fieldpath.Set, error) {
	set := &fieldpath.Set{}
	if e.FieldsV1 == nil {
		return set, nil
	}
	if err := set.FromJSON(bytes.NewReader(e.FieldsV1.Raw)); err != nil {
		return nil, fmt.Errorf("managed fields of %s: %w", e.Manager, err)
	}
	return set, nil
}

// removePath deletes the value at p from obj, if it is there, and returns
// obj, which is a new slice when a list item went.
func removePath(obj any, p fieldpath.Path) any {
	if len(p) == 0 {
		return obj
	}
	switch x := obj.(type) {
	case map[string]any:
		if p[0].FieldName == nil {
			return obj
		}
		name := *p[0].FieldName
		if len(p) == 1 {
			delete(x, name)
			return x
		}
		if child, ok := x[name]; ok {
			x[name] = removePath(child, p[1:])
			if m, ok := x[name].(map[string]any); ok && len(m) == 0 {
				delete(x, name)
			}
		}
		return x
	case []any:
		i := indexOf(x, p[0])
		switch {
		case i < 0:
			return x
		case len(p) == 1:
			return append(x[:i:i], x[i+1:]...)
		}
		x[i] = removePath(x[i], p[1:])
		return x
	}
	return obj
}

// indexOf finds the list item a path element selects, or -1.
func indexOf(list []any, pe fieldpath.PathElement) int {
	for i, item := range list {
		switch {
		case pe.Index != nil && *pe.Index == i:
			return i
		case pe.Value != nil && reflect.DeepEqual((*pe.Value).Unstructured(), item):
			return i
		case pe.Key != nil && keyMatches(item, pe):
			return i
		}
	}
	return -1
}

func keyMatches(item any, pe fieldpath.PathElement) bool {
	m, ok := item.(map[string]any)
	if !ok {
		return false
	}
	for _, f := range *pe.Key {
		if fmt.Sprint(m[f.Name]) != fmt.Sprint(f.Value.Unstructured()) {
			return false
		}
	}
	return true
}
