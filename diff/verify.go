package diff

import (
	"context"
	"errors"
	"fmt"

	"github.com/convergehq/converge/manifests"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// verifyOne settles with the API server a change that still looks
// configured once normalised locally: it sends the very patch apply would
// send, as a dry run. When the server's result equals the live object, the
// change is unchanged and nothing will be written; otherwise the server's
// result becomes the prediction. A change the server refuses becomes
// ActionRefused, or ActionReplace with Options.Force when the object as
// written would be accepted anew. A dry run the server does not allow
// leaves the local prediction, marked CheckUnverified. Only errors that
// make the plan itself impossible are returned.
func (p *Planner) verifyOne(ctx context.Context, c *Change) error {
	result, err := p.dryRun(ctx, *c)
	switch {
	case err == nil:
	case apierrors.IsInvalid(err):
		p.refuse(ctx, c, err)
		return nil
	case unverifiable(err):
		c.Check, c.Unverified = CheckUnverified, err.Error()
		if secretChange(*c) {
			// A webhook's message may quote what it was sent.
			c.Unverified = fmt.Sprintf("%s (the server's message is not shown for a Secret)", apierrors.ReasonForError(err))
		}
		return nil
	default:
		return &manifests.ObjectError{ID: c.ID, Origin: c.Origin, Op: "server dry run", Err: err}
	}
	if noEffect(c.Live, result) {
		p.settleRemembered(c, CheckServer)
		return nil
	}
	c.Predicted, c.Check = result, CheckServer
	return nil
}

// memoFor returns the memo for c's verdict, or nil. Secrets are never
// remembered: a memo outlives the run, and a Secret's desired object is its
// values.
func (p *Planner) memoFor(c *Change) Memo {
	if p.Options.Memo == nil || isSecret(c.Live) {
		return nil
	}
	return p.Options.Memo
}

// settleUnchanged marks a change the server keeps as it is.
func settleUnchanged(c *Change, how Check) {
	c.Action, c.Patch, c.PatchType, c.Predicted, c.Check = ActionUnchanged, nil, "", c.Live, how
}

// refuse records the server's refusal of c and finds out whether deleting
// and creating the object again would succeed (see recreate).
func (p *Planner) refuse(ctx context.Context, c *Change, err error) {
	r := refusal(*c, err)
	c.Check, c.Refusal = CheckServer, r
	predicted, cerr := p.recreate(ctx, *c)
	switch {
	case cerr == nil:
		r.Recreatable = true
	case apierrors.IsInvalid(cerr):
		// Invalid even as a new object: --force cannot help, and this
		// is the reason to fix.
		r.Reason, r.Err = serverReason(cerr, secretChange(*c)), cerr
	}
	if r.Recreatable && p.Options.Force {
		c.Action, c.Patch, c.PatchType, c.Predicted = ActionReplace, nil, "", predicted
		return
	}
	c.Action = ActionRefused
}

// recreate asks the server, with dry-run creates, what the object as
// written would be as a new object. The first is sent under a generated
// name, so the server validates and defaults it in full and returns it; its
// generated name is then put back. A kind whose names the server checks
// (an APIService, a CustomResourceDefinition) may refuse the generated
// name: then the object is created under its own name, and AlreadyExists
// (the name is taken, everything else passed) means it would be accepted,
// as written.
func (p *Planner) recreate(ctx context.Context, c Change) (*unstructured.Unstructured, error) {
	r := p.Resource(c)
	opts := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldManager: p.Options.FieldManager}
	probe := c.Desired.DeepCopy()
	probe.SetName("")
	probe.SetGenerateName(c.ID.Name + "-")
	created, err := r.Create(ctx, probe, opts)
	if err == nil {
		renamed := renameStrings(created.Object, created.GetName(), c.ID.Name).(map[string]any)
		out := &unstructured.Unstructured{Object: renamed}
		out.SetGenerateName(c.Desired.GetGenerateName())
		return out, nil
	}
	_, err = r.Create(ctx, c.Desired, opts)
	if apierrors.IsAlreadyExists(err) {
		return c.Desired, nil
	}
	if err == nil {
		return nil, errors.New("the object was deleted meanwhile")
	}
	return nil, err
}

// renameStrings replaces every string equal to from (a generated name, as
// in metadata.name or a job-name label) with to.
func renameStrings(v any, from, to string) any {
	switch x := v.(type) {
	case string:
		if x == from {
			return to
		}
	case map[string]any:
		for k, e := range x {
			x[k] = renameStrings(e, from, to)
		}
	case []any:
		for i, e := range x {
			x[i] = renameStrings(e, from, to)
		}
	}
	return v
}

// unverifiable reports whether err refuses the dry run itself rather than
// the change: RBAC that allows reads only, a server or a webhook without
// dry-run support. The local prediction then stands, with a warning.
func unverifiable(err error) bool {
	return apierrors.IsForbidden(err) || apierrors.IsMethodNotSupported(err) ||
		apierrors.IsBadRequest(err) || apierrors.IsNotAcceptable(err) ||
		apierrors.IsUnsupportedMediaType(err) || apierrors.IsNotFound(err) ||
		apierrors.IsConflict(err)
}

// dryRun sends the change's request with dryRun=All and returns the
// server's result.
func (p *Planner) dryRun(ctx context.Context, c Change) (*unstructured.Unstructured, error) {
	r := p.Resource(c)
	opts := []string{metav1.DryRunAll}
	if c.Action == ActionCreate || c.Action == ActionReplace {
		return r.Create(ctx, c.Desired, metav1.CreateOptions{DryRun: opts, FieldManager: p.Options.FieldManager})
	}
	return r.Patch(ctx, c.ID.Name, c.PatchType, c.Patch, metav1.PatchOptions{DryRun: opts, FieldManager: p.Options.FieldManager})
}
