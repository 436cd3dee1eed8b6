package diff

import (
	"fmt"
	"reflect"

	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// Entry is one object of a diff report, already normalised and masked:
// nothing in it may hold a secret value.
type Entry struct {
	ID     manifests.ObjectID
	Origin manifests.Origin
	Action Action
	// Before is the live object, nil for a create.
	Before *unstructured.Unstructured
	// After is the predicted object after apply.
	After *unstructured.Unstructured
	// Fields are the leaf changes from Before to After.
	Fields []FieldChange
}

// Header names the object as group/kind namespace/name.
func (e Entry) Header() string {
	group := e.ID.Group
	if group == "" {
		group = "core"
	}
	name := e.ID.Name
	if e.ID.Namespace != "" {
		name = e.ID.Namespace + "/" + name
	}
	return fmt.Sprintf("%s/%s %s", group, e.ID.Kind, name)
}

// Report is what a diff shows: the changed objects and the counts.
type Report struct {
	Entries                   []Entry
	Create, Update, Unchanged int
}

// HasChanges reports whether applying would change anything.
func (r Report) HasChanges() bool { return r.Create+r.Update > 0 }

// Summary is the one-line count, as in "3 to create, 2 to update, 0 unchanged".
func (r Report) Summary() string {
	return fmt.Sprintf("%d to create, %d to update, %d unchanged", r.Create, r.Update, r.Unchanged)
}

// NewReport normalises and masks every change of cs. A change whose only
// differences are in ignored fields counts as unchanged.
func NewReport(cs ChangeSet, ignore []IgnoreRule) Report {
	var r Report
	var m Masker
	for _, c := range cs.Changes {
		if c.Action == ActionUnchanged {
			r.Unchanged++
			continue
		}
		before, after := m.Mask(Normalize(c.Live, ignore), Normalize(c.Predicted, ignore))
		e := Entry{ID: c.ID, Origin: c.Origin, Action: c.Action, Before: before, After: after}
		if before != nil && after != nil && reflect.DeepEqual(before.Object, after.Object) {
			r.Unchanged++
			continue
		}
		if before != nil && after != nil {
			e.Fields = FieldChanges(before.Object, after.Object)
			r.Update++
		} else {
			r.Create++
		}
		r.Entries = append(r.Entries, e)
	}
	return r
}

// toYAML renders a masked object for display; nil renders as empty.
func toYAML(u *unstructured.Unstructured) string {
	if u == nil {
		return ""
	}
	data, err := yaml.Marshal(u.Object)
	if err != nil {
		return fmt.Sprintf("# cannot render: %s\n", err.Error())
	}
	return string(data)
}

// Unified returns the entry's unified diff.
func (e Entry) Unified() string {
	from := "live/" + e.Header()
	if e.Before == nil {
		from = "/dev/null"
	}
	return unifiedDiff(from, "predicted/"+e.Header(), toYAML(e.Before), toYAML(e.After))
}
