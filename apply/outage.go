package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Fate says what became of an object whose request did not succeed.
type Fate string

// The fates of an object that was not applied.
const (
	// FateFailed: the server answered with an error.
	FateFailed Fate = "failed"
	// FateNotSent: the API server was gone before its request was sent.
	FateNotSent Fate = "not sent"
	// FateUnknown: the request was sent and its response lost, so it may
	// or may not have been applied.
	FateUnknown Fate = "unknown"
)

// OutageError is the one summary of an apply during which the API server
// went away: how many objects were applied and how many not, and why.
type OutageError struct {
	Host  string
	Since time.Time
	Cause error
	// Applied, NotSent, Unknown and Failed count the objects by outcome.
	Applied, NotSent, Unknown, Failed int
}

// Error says when the server went away, and how far the apply got.
func (e *OutageError) Error() string {
	return fmt.Sprintf("the API server at %s stopped answering at %s (%s): %d object(s) applied, %d not sent, %d unknown (sent, but the answer was lost), %d failed; once the server is back, apply again: it finishes the set",
		e.Host, e.Since.Format("15:04:05"), describeCause(e.Cause), e.Applied, e.NotSent, e.Unknown, e.Failed)
}

// Unwrap returns the first connection error.
func (e *OutageError) Unwrap() error { return e.Cause }

func describeCause(err error) string {
	if errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(err.Error(), "connection refused") {
		return "connections refused"
	}
	return err.Error()
}

// outage records the first time the API server could not be reached;
// after it, nothing more is sent.
type outage struct {
	mu    sync.Mutex
	since time.Time
	cause error
}

func (o *outage) down() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.cause != nil
}

func (o *outage) record(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cause == nil {
		o.since, o.cause = time.Now(), err
	}
}

// notSent reports whether err failed before the request left: the
// connection could not be made.
func notSent(err error) bool {
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &op) && op.Op == "dial") ||
		strings.Contains(err.Error(), "connection refused")
}

// lostResponse reports whether err is a connection that broke after the
// request was sent.
func lostResponse(err error) bool {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return false // the server answered
	}
	msg := err.Error()
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || strings.Contains(msg, "connection reset") || strings.Contains(msg, "http2: client connection lost") ||
		strings.Contains(msg, "use of closed network connection") || strings.Contains(msg, "server closed")
}

// retriable reports whether a request may be sent again: the server
// refused it before doing anything (429, 503), or it never left. A
// timeout (504) is not retried: the server may still make the change, and
// a create sent twice could make two objects.
func retriable(err error) bool {
	return apierrors.IsTooManyRequests(err) || apierrors.IsServiceUnavailable(err) || notSent(err)
}

// retryBackoff are the pauses between attempts: under a second in all, so
// an apply stops sending within a second of the server going away.
var retryBackoff = []time.Duration{50 * time.Millisecond, 150 * time.Millisecond, 300 * time.Millisecond}

// withRetry runs send, again after each pause while its error is
// retriable; a connection that stays down is recorded as an outage.
func (x *Executor) withRetry(ctx context.Context, send func() error) (Fate, error) {
	var err error
	for try := 0; ; try++ {
		if x.outage.down() {
			return FateNotSent, x.outage.cause
		}
		if err = send(); err == nil {
			return "", nil
		}
		if lostResponse(err) {
			x.outage.record(err)
			return FateUnknown, err
		}
		if !retriable(err) || try == len(retryBackoff) {
			break
		}
		select {
		case <-ctx.Done():
			return FateNotSent, ctx.Err()
		case <-time.After(retryBackoff[try]):
		}
	}
	if notSent(err) {
		x.outage.record(err)
		return FateNotSent, err
	}
	return FateFailed, err
}

// collapse replaces the per-object connection errors of a failed plan with
// one line: when the server goes away while planning, every object fails
// the same way.
func collapse(host string, err error) error {
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return err
	}
	var keep []error
	var first error
	n := 0
	for _, e := range joined.Unwrap() {
		if notSent(e) || lostResponse(e) {
			n++
			if first == nil {
				first = e
			}
			continue
		}
		keep = append(keep, e)
	}
	if n == 0 {
		return err
	}
	keep = append(keep, fmt.Errorf("the API server at %s could not be reached while planning (%s): %d object(s) not planned; check that it is up, then apply again", host, describeCause(first), n))
	return errors.Join(keep...)
}
