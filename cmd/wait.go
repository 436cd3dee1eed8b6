package cmd

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/convergehq/converge/apply"
	"golang.org/x/term"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

// waitPrinter shows the progress of apply --wait: on a terminal one line
// that updates in place, otherwise a plain line each time the count of
// healthy objects changes.
type waitPrinter struct {
	mu        sync.Mutex
	w         io.Writer
	tty       bool
	lastReady int
	lastLine  string
}

func newWaitPrinter(w io.Writer) *waitPrinter {
	f, ok := w.(*os.File)
	return &waitPrinter{w: w, tty: ok && term.IsTerminal(int(f.Fd())), lastReady: -1}
}

// update is apply.Options.WaitProgress.
func (p *waitPrinter) update(hs []apply.Health) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line, ready := waitLine(hs)
	switch {
	case p.tty && line != p.lastLine:
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	case !p.tty && ready != p.lastReady:
		fmt.Fprintln(p.w, line)
	}
	p.lastLine, p.lastReady = line, ready
}

// finish ends the updating line.
func (p *waitPrinter) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.lastLine != "" {
		fmt.Fprintln(p.w)
	}
}

// waitLine is "waiting: 3/5 healthy; deployment.apps/web: <why>", naming
// the first object in apply order that was read and is not healthy yet
// (or, before any was read, the first not read).
func waitLine(hs []apply.Health) (string, int) {
	ready := 0
	var slowest, unread *apply.Health
	for i := range hs {
		switch {
		case hs[i].Ready():
			ready++
		case hs[i].Status == status.UnknownStatus:
			if unread == nil {
				unread = &hs[i]
			}
		case slowest == nil:
			slowest = &hs[i]
		}
	}
	if slowest == nil {
		slowest = unread
	}
	line := fmt.Sprintf("waiting: %d/%d healthy", ready, len(hs))
	if slowest != nil {
		line += fmt.Sprintf("; %s: %s", slowest.ID.KindName(), slowest.Message)
	}
	return line, ready
}
