package apply

import (
	"encoding/json"

	"github.com/convergehq/converge/diff"
)

// ChangeCauseAnnotation is the annotation kubectl rollout history shows.
const ChangeCauseAnnotation = "kubernetes.io/change-cause"

// withCause returns the change with Options.ChangeCause stamped on what it
// sends: the object it creates, or its patch. The cause stays out of the
// last-applied annotation, so it never counts as a change on its own, and
// an object whose manifest sets a cause keeps the user's.
func (x *Executor) withCause(c diff.Change) (diff.Change, error) {
	cause := x.Options.ChangeCause
	if cause == "" || c.Desired == nil {
		return c, nil
	}
	if _, ok := c.Desired.GetAnnotations()[ChangeCauseAnnotation]; ok {
		return c, nil
	}
	switch {
	case c.Action == diff.ActionConfigure || (c.ServerSide && c.Action == diff.ActionCreate):
		patch, err := stampPatch(c.Patch, cause)
		if err != nil {
			return c, err
		}
		c.Patch = patch
	case c.Action == diff.ActionCreate || c.Action == diff.ActionReplace:
		c.Desired = diff.WithAnnotations(c.Desired, map[string]string{ChangeCauseAnnotation: cause})
	}
	return c, nil
}

// stampPatch adds the cause to a merge, strategic-merge or apply patch.
func stampPatch(patch []byte, cause string) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(patch, &m); err != nil {
		return nil, err
	}
	md, _ := m["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		m["metadata"] = md
	}
	annots, _ := md["annotations"].(map[string]any)
	if annots == nil {
		annots = map[string]any{}
		md["annotations"] = annots
	}
	annots[ChangeCauseAnnotation] = cause
	return json.Marshal(m)
}
