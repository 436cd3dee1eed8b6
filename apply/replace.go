package apply

import (
	"context"
	"fmt"

	"github.com/convergehq/converge/diff"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
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

// waitGone waits, with a watch, until the object of that name and uid no
// longer exists, or Options.Timeout passes.
func (x *Executor) waitGone(ctx context.Context, r dynamic.ResourceInterface, name string, uid types.UID) error {
	timeout := x.timeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	for {
		list, err := r.List(ctx, metav1.ListOptions{FieldSelector: sel})
		if err != nil {
			return fmt.Errorf("wait for the delete: %w", err)
		}
		if len(list.Items) == 0 || list.Items[0].GetUID() != uid {
			return nil
		}
		w, err := r.Watch(ctx, metav1.ListOptions{FieldSelector: sel, ResourceVersion: list.GetResourceVersion()})
		if err != nil {
			return fmt.Errorf("wait for the delete: %w", err)
		}
		gone := deletedEvent(w)
		w.Stop()
		if gone {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("deleted, but still present after %s (finalizers %v); nothing was re-created: apply again once it is gone", timeout, list.Items[0].GetFinalizers())
		}
	}
}

// deletedEvent reads w until a Deleted event (true) or the end of the watch
// (false).
func deletedEvent(w watch.Interface) bool {
	for ev := range w.ResultChan() {
		if ev.Type == watch.Deleted {
			return true
		}
	}
	return false
}
