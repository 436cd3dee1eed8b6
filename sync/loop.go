package sync

import (
	"context"
	"math/rand/v2"
	"time"
)

// interruptGrace bounds the status write after a sync is stopped.
const interruptGrace = 5 * time.Second

// stopGrace is how long a cycle under way goes on after a stop (SIGTERM),
// so that the requests in flight finish; with interruptGrace, a stop takes
// under 10 s.
const stopGrace = 4 * time.Second

// graceful returns a context for cycles that ends stopGrace after ctx
// does, so a stop lets the cycle under way finish its requests.
func graceful(ctx context.Context) (context.Context, context.CancelFunc) {
	cycles, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(stopGrace, cancel) })
	return cycles, func() { stop(); cancel() }
}

// Run cycles until ctx ends: every Options.Interval, or sooner after a
// failure worth retrying, backing off exponentially with jitter up to
// MaxBackoff. When ctx ends during a cycle, the cycle is recorded as
// interrupted.
func (s *Syncer) Run(ctx context.Context) error {
	if err := s.refresh(ctx); err != nil {
		return err
	}
	if err := s.startStateWatch(ctx); err != nil {
		s.log.Warn("reading status and history directly", "error", err.Error())
	}
	defer s.stopWatches()
	cycles, cancel := graceful(ctx)
	defer cancel()
	failures := 0
	for {
		a, err := s.Cycle(cycles)
		if ctx.Err() != nil {
			s.interrupted(a)
			return nil
		}
		wait := s.opts.interval()
		if err != nil {
			failures++
			wait = backoff(failures)
			next := time.Now().Add(wait).UTC()
			s.status.NextRetry = &next
			_ = s.flush(ctx)
		} else {
			failures = 0
		}
		if s.opts.Drift {
			s.startWatch(ctx)
		}
		if !s.waitWatching(ctx, wait) {
			return nil
		}
	}
}

// waitWatching waits until the next cycle, checking drift whenever the
// watch sees a member change; false when ctx ended.
func (s *Syncer) waitWatching(ctx context.Context, wait time.Duration) bool {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var notify <-chan struct{}
	if s.watch != nil {
		notify = s.watch.notify
	}
	for {
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
			return true
		case <-notify:
			select { // let a burst of changes land
			case <-ctx.Done():
				return false
			case <-time.After(driftDebounce):
			}
			if err := s.checkDrift(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("drift check failed", "error", err.Error())
			}
		}
	}
}

// stopWatches ends the watches of this run.
func (s *Syncer) stopWatches() {
	if s.state != nil {
		s.state.stop()
		s.state = nil
	}
	if s.watch != nil {
		s.watch.stop()
		s.watch = nil
	}
}

// backoff is the wait before retry n: 1s, 2s, 4s ... up to MaxBackoff,
// each between half and all of it, so that many syncs do not retry in
// step.
func backoff(n int) time.Duration {
	d := MaxBackoff
	if n < 20 {
		d = min(MaxBackoff, time.Second<<(n-1))
	}
	return d/2 + rand.N(d/2+1)
}

// interrupted records a cycle stopped midway, with a fresh deadline.
func (s *Syncer) interrupted(a Attempt) {
	if a.Result != ResultFailed || a.Commit == "" {
		return
	}
	a.Result, a.Message = ResultInterrupted, "stopped during the cycle; the next sync goes on: "+a.Message
	s.status.Last = &a
	ctx, cancel := context.WithTimeout(context.Background(), interruptGrace)
	defer cancel()
	_ = s.flush(ctx)
}

// resume lifts a pin: the next cycle applies the commit git is at, and
// the undo that pinned the set counts as seen.
func resume(s Status, newest int, at *time.Time) Status {
	s.Pinned, s.Commit, s.FailedCommit = nil, "", ""
	s.Revision = max(s.Revision, newest)
	s.ResumeSeen = at
	return s
}
