package apply

import (
	"context"
	"errors"
	"fmt"

	"github.com/convergehq/converge/diff"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
)

// replace deletes the live object and creates it from the manifest again,
// as kubectl apply --force does for a change the server refuses to make in
// place. The delete is bound to the live object's uid, so a newer object of
// the same name is never deleted; dependents go in the background, as
// kubectl's default --cascade. With a server dry run, only the create is
// checked: the name is taken, so AlreadyExists is the expected answer.
func (x *Executor) replace(ctx context.Context, c diff.Change, dryRun bool) error {
	r := x.Planner.Resource(c)
	create := metav1.CreateOptions{FieldManager: x.Options.manager()}
	if dryRun {
		create.DryRun = []string{metav1.DryRunAll}
		_, err := r.Create(ctx, c.Desired, create)
		if apierrors.IsAlreadyExists(err) {
			return nil
		}
		return err
	}
	uid := c.Live.GetUID()
	background := metav1.DeletePropagationBackground
	err := r.Delete(ctx, c.ID.Name, metav1.DeleteOptions{
		Preconditions:     &metav1.Preconditions{UID: &uid},
		PropagationPolicy: &background,
	})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete to re-create: %w", err)
	}
	if err := x.waitGone(ctx, r, c.ID.Name, uid); err != nil {
		return err
	}
	if _, err := r.Create(ctx, c.Desired, create); err != nil {
		return fmt.Errorf("re-create after delete: %w", err)
	}
	return nil
}

// waitGone waits until the object of that name and uid no longer exists,
// or Options.Timeout passes.
func (x *Executor) waitGone(ctx context.Context, r dynamic.ResourceInterface, name string, uid types.UID) error {
	var last *unstructured.Unstructured
	err := x.waitObject(ctx, r, name, func(u *unstructured.Unstructured) bool {
		if u != nil && u.GetUID() == uid {
			last = u
			return false
		}
		return true
	})
	var notDone *notDoneError
	if errors.As(err, &notDone) && last != nil {
		return fmt.Errorf("deleted, but still present after %s (finalizers %v); nothing was re-created: apply again once it is gone", notDone.after, last.GetFinalizers())
	}
	if err != nil {
		return fmt.Errorf("wait for the delete: %w", err)
	}
	return nil
}
