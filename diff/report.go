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
	// Reason is, for a refused or replaced object, why the server will not
	// make the change in place, and what to do.
	Reason string
	// FromLabel and ToLabel name the sides of the unified diff; "" means
	// "live" and "predicted".
	FromLabel, ToLabel string
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
	// Replace counts objects deleted and created again (--force); Refused
	// counts changes the server refuses; Prune counts ApplySet members
	// the manifests no longer hold.
	Replace, Refused, Prune int
}

// HasChanges reports whether applying would change anything.
func (r Report) HasChanges() bool { return r.Create+r.Update+r.Replace+r.Prune > 0 }

// Summary is the one-line count, as in "3 to create, 2 to update, 0
// unchanged", with ", 1 to replace" and ", 1 refused" when there are any.
func (r Report) Summary() string {
	s := fmt.Sprintf("%d to create, %d to update", r.Create, r.Update)
	if r.Replace > 0 {
		s += fmt.Sprintf(", %d to replace", r.Replace)
	}
	if r.Prune > 0 {
		s += fmt.Sprintf(", %d to prune", r.Prune)
	}
	s += fmt.Sprintf(", %d unchanged", r.Unchanged)
	if r.Refused > 0 {
		s += fmt.Sprintf(", %d refused by the server", r.Refused)
	}
	return s
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
		if c.Action == ActionPrune {
			before = keysOnly(before)
		}
		e := Entry{ID: c.ID, Origin: c.Origin, Action: c.Action, Before: before, After: after}
		switch {
		case c.Action == ActionReplace:
			e.Reason = c.Refusal.Reason
		case c.Refusal != nil:
			e.Reason = c.Refusal.Reason + "; " + c.Refusal.Hint()
		}
		if c.Action == ActionConfigure && reflect.DeepEqual(before.Object, after.Object) {
			r.Unchanged++
			continue
		}
		if before != nil && after != nil {
			e.Fields = FieldChanges(before.Object, after.Object)
		}
		r.count(c.Action)
		r.Entries = append(r.Entries, e)
	}
	return r
}

func (r *Report) count(a Action) {
	switch a {
	case ActionCreate:
		r.Create++
	case ActionReplace:
		r.Replace++
	case ActionRefused:
		r.Refused++
	case ActionPrune:
		r.Prune++
	default:
		r.Update++
	}
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
	fromLabel, toLabel := e.FromLabel, e.ToLabel
	if fromLabel == "" {
		fromLabel, toLabel = "live", "predicted"
	}
	from := fromLabel + "/" + e.Header()
	if e.Before == nil {
		from = "/dev/null"
	}
	to := toLabel + "/" + e.Header()
	if e.After == nil {
		to = "/dev/null"
	}
	return unifiedDiff(from, to, toYAML(e.Before), toYAML(e.After))
}
