package diff

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/convergehq/converge/manifests"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/util/csaupgrade"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// lastAppliedField is the last-applied annotation as a managed field: the
// client-side apply managers are those that own it through Update.
var lastAppliedField = fieldpath.NewSet(fieldpath.MakePathOrDie("metadata", "annotations", LastAppliedAnnotation))

// ConflictError is a server-side apply the server refuses because fields
// of the object are owned by other managers. Nothing of the object is
// changed.
type ConflictError struct {
	// Err is the server's answer; its message names each field and the
	// manager that holds it, as kubectl prints it.
	Err error
}

// Error gives the server's list of conflicts and the ways out.
func (e *ConflictError) Error() string {
	msg := e.Err.Error()
	if msg != "" {
		msg = strings.ToLower(msg[:1]) + msg[1:]
	}
	return msg + "; pass --force-conflicts to take these fields over, or remove them from the manifest to leave them to their managers"
}

// Unwrap returns the server's answer.
func (e *ConflictError) Unwrap() error { return e.Err }

// finishServerSide plans a change for server-side apply: the body is
// Desired, sent as an apply patch, and the prediction is the server's own
// dry run of it. An object still managed by client-side apply is migrated
// first (Change.Migrate, client-go's csaupgrade), so fields dropped from
// the manifest are really removed (kubernetes#99003).
func (p *Planner) finishServerSide(ctx context.Context, c *Change, modified []byte) error {
	fail := func(op string, err error) error {
		return &manifests.ObjectError{ID: c.ID, Origin: c.Origin, Op: op, Err: err}
	}
	body, err := encode(p.keepLive(c.Desired, c.Live).Object)
	if err != nil {
		return fail("encode", err)
	}
	c.Patch, c.PatchType = body, types.ApplyPatchType
	var csaManagers map[string]bool
	if c.Live != nil {
		if c.Migrate, csaManagers, err = migration(c.Live, p.Options.FieldManager); err != nil {
			return fail("migrate managed fields", err)
		}
		if memo := p.memoFor(c); memo != nil && c.Migrate == nil {
			c.memoKey = memoKey(p.Clients.Config.Host, *c, modified)
			if memo.Unchanged(c.memoKey) {
				settleUnchanged(c, CheckMemo)
				return nil
			}
		}
	}
	result, err := p.dryRunApply(ctx, *c)
	switch {
	case apierrors.IsNotFound(err) && c.Live == nil:
		// Its namespace is created by the same apply.
		c.Action, c.Predicted = ActionCreate, c.Desired
		return nil
	case apierrors.IsConflict(err) && c.Live != nil && isApplyConflict(err):
		return fail("server-side apply", &ConflictError{Err: err})
	case apierrors.IsInvalid(err):
		p.refuse(ctx, c, err)
		return nil
	case err != nil && secretChange(*c):
		// A webhook's message may quote what it was sent.
		return fail("server-side apply dry run", fmt.Errorf("%s (the server's message is not shown for a Secret)", apierrors.ReasonForError(err)))
	case err != nil:
		return fail("server-side apply dry run", err)
	}
	if c.Migrate != nil {
		result = afterMigration(result, csaManagers, p.Options.FieldManager)
	}
	c.Predicted, c.Check = result, CheckServer
	switch {
	case c.Live == nil:
		c.Action = ActionCreate
	case c.Migrate == nil && sameApplied(c.Live, result):
		p.settleRemembered(c, CheckServer)
	default:
		c.Action = ActionConfigure
	}
	return nil
}

// isApplyConflict tells a field-ownership conflict from a resourceVersion
// conflict: the former lists its causes.
func isApplyConflict(err error) bool {
	var status apierrors.APIStatus
	return errors.As(err, &status) && status.Status().Details != nil && len(status.Status().Details.Causes) > 0
}

// dryRunApply sends the change's apply patch with dryRun=All. Before a
// migration, the client-side managers still own the fields the migration
// hands over, so the dry run takes them by force; a conflict with any other
// manager then shows when the apply is sent, after the migration.
func (p *Planner) dryRunApply(ctx context.Context, c Change) (*unstructured.Unstructured, error) {
	force := p.Options.ForceConflicts || c.Migrate != nil
	return p.Resource(c).Patch(ctx, c.ID.Name, types.ApplyPatchType, c.Patch, metav1.PatchOptions{
		DryRun: []string{metav1.DryRunAll}, FieldManager: p.Options.FieldManager, Force: &force,
	})
}

// migration returns the JSON patch that hands the fields of live's
// client-side apply managers to manager for server-side apply, or nil, and
// those managers.
func migration(live *unstructured.Unstructured, manager string) ([]byte, map[string]bool, error) {
	owners := csaupgrade.FindFieldsOwners(live.GetManagedFields(), metav1.ManagedFieldsOperationUpdate, lastAppliedField)
	names := sets.New[string]()
	for _, o := range owners {
		names.Insert(o.Manager)
	}
	if names.Len() == 0 {
		return nil, nil, nil
	}
	patch, err := csaupgrade.UpgradeManagedFieldsPatch(live, names, manager)
	if patch == nil {
		return nil, nil, err
	}
	byName := map[string]bool{}
	for n := range names {
		byName[n] = true
	}
	return patch, byName, err
}

// sameApplied reports whether a server-side apply's result leaves the live
// object as it is: the same fields, and the same managed fields apart from
// their timestamps.
func sameApplied(live, result *unstructured.Unstructured) bool {
	a, b := live.DeepCopy(), result.DeepCopy()
	for _, u := range []*unstructured.Unstructured{a, b} {
		mf := u.GetManagedFields()
		for i := range mf {
			mf[i].Time = nil
		}
		u.SetManagedFields(mf)
		u.SetResourceVersion("")
	}
	return reflect.DeepEqual(a.Object, b.Object)
}

// serverSideKey distinguishes a server-side verdict from a client-side one
// in the memo: the same desired object may be unchanged by one and not the
// other.
func serverSideKey(force bool, modified []byte) []byte {
	return append([]byte(fmt.Sprintf("server-side apply force=%t\x00", force)), modified...)
}

// keepLive returns desired with the live values of Options.KeepAnnotations
// the manifest does not set, so a server-side apply keeps them (such as the
// change-cause of the last change) instead of removing what it owned.
func (p *Planner) keepLive(desired, live *unstructured.Unstructured) *unstructured.Unstructured {
	if live == nil || len(p.Options.KeepAnnotations) == 0 {
		return desired
	}
	have, keep := desired.GetAnnotations(), map[string]string{}
	for _, k := range p.Options.KeepAnnotations {
		if v, ok := live.GetAnnotations()[k]; ok {
			if _, set := have[k]; !set {
				keep[k] = v
			}
		}
	}
	if len(keep) == 0 {
		return desired
	}
	return WithAnnotations(desired, keep)
}

// WithAnnotations returns obj with the annotations added, sharing all of
// obj but its metadata, which is copied: obj itself is not changed.
func WithAnnotations(obj *unstructured.Unstructured, add map[string]string) *unstructured.Unstructured {
	out := &unstructured.Unstructured{Object: make(map[string]any, len(obj.Object))}
	for k, v := range obj.Object {
		out.Object[k] = v
	}
	md := map[string]any{}
	if old, ok := obj.Object["metadata"].(map[string]any); ok {
		for k, v := range old {
			md[k] = v
		}
	}
	out.Object["metadata"] = md
	annots := out.GetAnnotations()
	if annots == nil {
		annots = map[string]string{}
	}
	for k, v := range add {
		annots[k] = v
	}
	out.SetAnnotations(annots)
	return out
}
