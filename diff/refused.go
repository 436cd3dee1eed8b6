package diff

import (
	"errors"
	"fmt"
	"strings"

	"github.com/convergehq/converge/manifests"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RefusedError is a change the API server refuses, found by a dry run
// before anything is written: a field that cannot be updated in place (a
// Deployment's spec.selector, a Job's template, a Service's clusterIP), or
// a value the server's validation rejects beyond the OpenAPI schema.
type RefusedError struct {
	ID     manifests.ObjectID
	Origin manifests.Origin
	// Reason is the server's explanation, field by field. For a Secret it
	// names the fields and the rules only, never a value.
	Reason string
	// Recreatable is true when the server would accept the object as
	// written as a new object, so deleting and creating it again
	// (--force) succeeds.
	Recreatable bool
	// Err is the server's error.
	Err error
}

// Error renders "kind.group/name (ns x) from file:line: the server refuses
// the change: reason; what to do".
func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s from %s: the server refuses the change: %s; %s", e.ID, e.Origin, e.Reason, e.Hint())
}

// Hint says what to do about the refusal.
func (e *RefusedError) Hint() string {
	if e.Recreatable {
		return "these fields cannot be changed in place: pass --force to delete the object and create it again"
	}
	return "fix the manifest"
}

// Unwrap returns the server's error.
func (e *RefusedError) Unwrap() error { return e.Err }

// refusal builds the RefusedError of a change the server answered with err.
func refusal(c Change, err error) *RefusedError {
	return &RefusedError{ID: c.ID, Origin: c.Origin, Reason: serverReason(err, secretChange(c)), Err: err}
}

// serverReason words an Invalid error of the server by its causes. A
// Secret's causes are named by field and type only: the server's messages
// quote the values they reject.
func serverReason(err error, secret bool) string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil || len(status.Status().Details.Causes) == 0 {
		if secret {
			return "the object is invalid"
		}
		return err.Error()
	}
	var parts []string
	for _, cause := range status.Status().Details.Causes {
		parts = append(parts, causeText(cause, secret))
	}
	return strings.Join(parts, "; ")
}

// maxCauseValue is the longest rejected value a reason quotes; a longer
// one, such as a whole pod template, is left out.
const maxCauseValue = 200

func causeText(c metav1.StatusCause, secret bool) string {
	msg := c.Message
	if secret {
		msg = strings.ToLower(strings.TrimPrefix(string(c.Type), "FieldValue"))
	}
	if value, ok := strings.CutPrefix(msg, "Invalid value: "); ok && len(value) > maxCauseValue {
		if i := strings.LastIndex(value, ": "); i >= 0 {
			msg = fmt.Sprintf("Invalid value (%d characters, not shown): %s", i, value[i+2:])
		}
	}
	if c.Field == "" {
		return msg
	}
	return c.Field + ": " + msg
}
