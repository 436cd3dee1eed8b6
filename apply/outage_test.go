package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var refused = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}

func TestWithRetry(t *testing.T) {
	gr := schema.GroupResource{Resource: "configmaps"}
	tests := []struct {
		name      string
		errs      []error // what each attempt returns; nil succeeds
		wantFate  Fate
		wantSends int
		wantDown  bool
	}{
		{name: "success", errs: []error{nil}, wantSends: 1},
		{name: "429 then success", errs: []error{apierrors.NewTooManyRequests("slow down", 0), nil}, wantSends: 2},
		{name: "503 twice then success", errs: []error{apierrors.NewServiceUnavailable("x"), apierrors.NewServiceUnavailable("x"), nil}, wantSends: 3},
		{name: "invalid is not retried", errs: []error{apierrors.NewInvalid(schema.GroupKind{Kind: "ConfigMap"}, "x", nil)}, wantFate: FateFailed, wantSends: 1},
		{name: "not found is not retried", errs: []error{apierrors.NewNotFound(gr, "x")}, wantFate: FateFailed, wantSends: 1},
		{name: "refused until the end", errs: []error{refused, refused, refused, refused}, wantFate: FateNotSent, wantSends: 4, wantDown: true},
		{name: "refused once", errs: []error{refused, nil}, wantSends: 2},
		{name: "response lost", errs: []error{fmt.Errorf("patch: %w", io.ErrUnexpectedEOF)}, wantFate: FateUnknown, wantSends: 1, wantDown: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := &Executor{}
			sends := 0
			fate, err := x.withRetry(context.Background(), func() error {
				e := tt.errs[sends]
				sends++
				return e
			})
			if fate != tt.wantFate || sends != tt.wantSends || x.outage.down() != tt.wantDown {
				t.Errorf("fate %q after %d sends (down %v, err %v), want %q after %d (down %v)", fate, sends, x.outage.down(), err, tt.wantFate, tt.wantSends, tt.wantDown)
			}
			if (tt.wantFate == "") != (err == nil) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestNothingIsSentAfterAnOutage(t *testing.T) {
	x := &Executor{}
	x.outage.record(refused)
	fate, err := x.withRetry(context.Background(), func() error {
		t.Fatal("sent after the outage")
		return nil
	})
	if fate != FateNotSent || err == nil {
		t.Errorf("fate %q, err %v", fate, err)
	}
}

func TestOutageErrorAndCollapse(t *testing.T) {
	e := &OutageError{Host: "https://127.0.0.1:6443", Since: time.Date(2026, 12, 2, 12, 3, 7, 0, time.UTC), Cause: refused, Applied: 1200, NotSent: 700, Unknown: 16, Failed: 1}
	want := "the API server at https://127.0.0.1:6443 stopped answering at 12:03:07 (connections refused): 1200 object(s) applied, 700 not sent, 16 unknown"
	if !strings.HasPrefix(e.Error(), want) {
		t.Errorf("OutageError = %q, want prefix %q", e.Error(), want)
	}
	other := errors.New("configmap/x: invalid")
	joined := errors.Join(other, fmt.Errorf("a: %w", refused), fmt.Errorf("b: %w", refused))
	got := collapse("https://h", joined).Error()
	if strings.Count(got, "\n") != 1 || !strings.Contains(got, "configmap/x: invalid") || !strings.Contains(got, "2 object(s) not planned") {
		t.Errorf("collapse = %q", got)
	}
}
