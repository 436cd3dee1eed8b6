package diff

import (
	"fmt"
	"io"
	"strings"
)

const (
	colorRed   = "\x1b[31m"
	colorGreen = "\x1b[32m"
	colorCyan  = "\x1b[36m"
	colorBold  = "\x1b[1m"
	colorReset = "\x1b[0m"
)

// WriteText prints a unified diff per changed object and the summary line,
// coloured when color is true (a terminal).
func (r Report) WriteText(w io.Writer, color bool) error {
	var sb strings.Builder
	for _, e := range r.Entries {
		header := fmt.Sprintf("%s (%s) from %s", e.Header(), verb(e.Action), e.Origin)
		if e.Action == ActionPrune {
			header = fmt.Sprintf("%s (prune): no longer in the manifests", e.Header())
		}
		sb.WriteString(paint(color, colorBold, header))
		sb.WriteByte('\n')
		if e.Reason != "" {
			sb.WriteString(paint(color, colorRed, reasonLine(e)))
			sb.WriteByte('\n')
		}
		for _, line := range strings.SplitAfter(e.Unified(), "\n") {
			sb.WriteString(paintLine(color, line))
		}
		sb.WriteByte('\n')
	}
	sb.WriteString(r.Summary())
	sb.WriteByte('\n')
	_, err := io.WriteString(w, sb.String())
	return err
}

// verb is the word a preview uses for an action.
func verb(a Action) string {
	switch a {
	case ActionCreate:
		return "create"
	case ActionConfigure:
		return "update"
	case ActionPrune:
		return "prune"
	case ActionReplace:
		return "replace"
	}
	return string(a)
}

// reasonLine says why the server will not make an entry's change in place.
func reasonLine(e Entry) string {
	if e.Action == ActionReplace {
		return "# the server cannot make this change in place (" + e.Reason + "); apply --force deletes the object and creates it again"
	}
	return "# refused by the server: " + e.Reason
}

func paint(on bool, color, s string) string {
	if !on {
		return s
	}
	return color + s + colorReset
}

func paintLine(on bool, line string) string {
	if !on || line == "" {
		return line
	}
	body := strings.TrimSuffix(line, "\n")
	nl := line[len(body):]
	switch {
	case strings.HasPrefix(body, "+++"), strings.HasPrefix(body, "---"):
		return paint(true, colorBold, body) + nl
	case strings.HasPrefix(body, "+"):
		return paint(true, colorGreen, body) + nl
	case strings.HasPrefix(body, "-"):
		return paint(true, colorRed, body) + nl
	case strings.HasPrefix(body, "@@"):
		return paint(true, colorCyan, body) + nl
	}
	return line
}
