package sync

import (
	"context"
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

// WithLease runs fn while this process holds the set's Lease
// (coordination.k8s.io, beside the parent), so that two syncs of one set,
// from two laptops or a laptop and the cluster, never apply at once.
// While another holds it, WithLease waits and logs who. fn's context ends
// if the Lease is lost; the Lease is released when fn returns.
func (s *Syncer) WithLease(ctx context.Context, identity string, fn func(context.Context) error) error {
	client, err := coordinationv1.NewForConfig(s.clients.Config)
	if err != nil {
		return err
	}
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Name: statusName(s.store), Namespace: s.store.Namespace()},
		Client:     client,
		LockConfig: resourcelock.ResourceLockConfig{Identity: identity},
	}
	run, cancel := context.WithCancel(ctx)
	defer cancel()
	var fnErr error
	held := false
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock: lock, LeaseDuration: leaseDuration, RenewDeadline: renewDeadline, RetryPeriod: retryPeriod,
		ReleaseOnCancel: true, Name: s.store.Parent.String(),
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(ctx context.Context) {
				held = true
				fnErr = fn(ctx)
				cancel()
			},
			OnStoppedLeading: func() {},
			OnNewLeader: func(holder string) {
				if holder != identity {
					s.log.Info("waiting: another sync of this set holds its lease", "holder", holder, "lease", lock.LeaseMeta.Namespace+"/"+lock.LeaseMeta.Name)
				}
			},
		},
	})
	if err != nil {
		return err
	}
	le.Run(run)
	if !held && ctx.Err() == nil {
		return fmt.Errorf("applyset %s: lost the lease before the sync started", s.store.Parent)
	}
	return fnErr
}
