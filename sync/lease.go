package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	coordinationv1 "k8s.io/client-go/kubernetes/typed/coordination/v1"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// The Lease timings: a sync that stops renewing (its machine lost, say)
// is taken over after leaseDuration; one that stops cleanly releases it at
// once, and a waiting sync takes it within retryPeriod. The holder renews
// every retryPeriod: the only write of a sync with nothing to do.
const (
	leaseDuration = 40 * time.Second
	renewDeadline = 30 * time.Second
	retryPeriod   = 8 * time.Second
)

// Identity names this process in the Lease: "user@host pid N".
func Identity() string {
	host, _ := os.Hostname()
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return fmt.Sprintf("%s@%s pid %d", name, host, os.Getpid())
}

// LeaseLostError means the Lease was lost while fn ran: another sync may
// hold it now.
type LeaseLostError struct{ Lease string }

// Error names the Lease.
func (e *LeaseLostError) Error() string {
	return fmt.Sprintf("lease %s: lost while syncing (the API server out of reach for %s?)", e.Lease, renewDeadline)
}

// WithLease runs fn while this process holds the set's Lease
// (coordination.k8s.io, beside the parent), so that two syncs of one set,
// from two laptops or a laptop and the cluster, never apply at once.
// While another holds it, WithLease waits and logs who. fn's context ends
// when ctx does or the Lease is lost (a *LeaseLostError); the Lease is
// released only after fn has returned, so its last writes land first.
func (s *Syncer) WithLease(ctx context.Context, identity string, fn func(context.Context) error) error {
	client, err := coordinationv1.NewForConfig(s.clients.Config)
	if err != nil {
		return fmt.Errorf("applyset %s: lease client: %w", s.store.Parent, err)
	}
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Name: statusName(s.store), Namespace: s.store.Namespace()},
		Client:     client,
		LockConfig: resourcelock.ResourceLockConfig{Identity: identity},
	}
	// The elector outlives ctx until fn is done; fn's context does not.
	elector, stopElector := context.WithCancel(context.WithoutCancel(ctx))
	defer stopElector()
	fnCtx, cancelFn := context.WithCancel(ctx)
	defer cancelFn()
	started, done := make(chan struct{}), make(chan struct{})
	held := func() bool {
		select {
		case <-started:
			return true
		default:
			return false
		}
	}
	var fnErr error
	lost := false // set by OnStoppedLeading, in le.Run's goroutine
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock: lock, LeaseDuration: leaseDuration, RenewDeadline: renewDeadline, RetryPeriod: retryPeriod,
		ReleaseOnCancel: true, Name: s.store.Parent.String(),
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(context.Context) {
				close(started)
				fnErr = fn(fnCtx)
				close(done)
				stopElector()
			},
			OnStoppedLeading: func() {
				select {
				case <-done: // fn returned: the Lease was let go
				default:
					lost = true
					cancelFn()
				}
			},
			OnNewLeader: func(holder string) {
				if holder != identity {
					s.log.Info("waiting: another sync of this set holds its lease", "holder", holder, "lease", lock.LeaseMeta.Namespace+"/"+lock.LeaseMeta.Name)
				}
			},
		},
	})
	if err != nil {
		return fmt.Errorf("applyset %s: lease: %w", s.store.Parent, err)
	}
	go func() {
		select {
		case <-ctx.Done():
			if !held() {
				stopElector() // stopped while still waiting for the Lease
			}
		case <-done:
		}
	}()
	le.Run(elector)
	if !held() {
		return nil
	}
	<-done
	if lost && ctx.Err() == nil {
		return &LeaseLostError{Lease: lock.LeaseMeta.Namespace + "/" + lock.LeaseMeta.Name}
	}
	return fnErr
}

// RunWithLease runs the sync loop under the set's Lease, and takes the
// Lease again whenever it is lost, until ctx ends.
func (s *Syncer) RunWithLease(ctx context.Context, identity string) error {
	for {
		err := s.WithLease(ctx, identity, s.Run)
		if _, lost := errors.AsType[*LeaseLostError](err); !lost || ctx.Err() != nil {
			return err
		}
		s.log.Warn(err.Error() + "; taking it again")
	}
}
