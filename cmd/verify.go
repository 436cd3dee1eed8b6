package cmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/kube"
)

// openMemo opens the memo of server verdicts for the cluster, in the user
// cache dir. The memo is only a cache: when it cannot be opened, a warning
// says so and every change is verified again.
func openMemo(clients *kube.Clients, errOut io.Writer) *diff.FileMemo {
	path, err := diff.DefaultMemoPath(clients.Config.Host)
	if err == nil {
		var m *diff.FileMemo
		if m, err = diff.OpenFileMemo(path); err == nil {
			return m
		}
	}
	fmt.Fprintf(errOut, "warning: cannot open the memo of server verdicts (%s); every change is verified again\n", err.Error())
	return nil
}

// saveMemo writes the memo back; a failure is only a warning.
func saveMemo(m *diff.FileMemo, errOut io.Writer) {
	if m == nil {
		return
	}
	if err := m.Save(); err != nil {
		fmt.Fprintf(errOut, "warning: %s; the next run verifies these changes again\n", err.Error())
	}
}

// warnPlan prints the plan's warnings: each change's own (such as one
// applied server-side because it is too large), then the changes whose
// local prediction the server could not be asked to confirm.
func warnPlan(errOut io.Writer, cs diff.ChangeSet) {
	for _, c := range cs.Changes {
		if c.Warning != "" {
			fmt.Fprintf(errOut, "warning: %s from %s: %s\n", c.ID, c.Origin, c.Warning)
		}
	}
	un := cs.Unverified()
	if len(un) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "warning: %d change(s) could not be verified with a server dry run; they are predicted locally and may show differences the server would normalise away:\n", len(un))
	for _, c := range un {
		fmt.Fprintf(&b, "  %s from %s: %s\n", c.ID, c.Origin, c.Unverified)
	}
	io.WriteString(errOut, b.String())
}
