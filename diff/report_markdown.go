package diff

import (
	"fmt"
	"io"
	"strings"
)

// MarkdownLimit keeps a Markdown report under GitHub's 65,536-character
// comment limit, with room for the truncation notice.
const MarkdownLimit = 65000

// WriteMarkdown prints a pull-request comment: a summary table and one
// collapsible section per changed object. Rows and sections that would pass
// MarkdownLimit are left out, and a notice says how many.
func (r Report) WriteMarkdown(w io.Writer) error {
	return r.WriteMarkdownWithin(w, MarkdownLimit)
}

// WriteMarkdownWithin is WriteMarkdown kept under limit characters, for
// a report that shares a comment with others.
func (r Report) WriteMarkdownWithin(w io.Writer, limit int) error {
	return r.WriteMarkdownTitled(w, limit, "converge diff")
}

// WriteMarkdownTitled is WriteMarkdownWithin with its heading naming
// title, such as the app of a preview, before the summary.
func (r Report) WriteMarkdownTitled(w io.Writer, limit int, title string) error {
	const reserve = 400 // room for the truncation notice
	var b strings.Builder
	fmt.Fprintf(&b, "### %s: %s\n\n", title, r.Summary())
	rows := 0
	if len(r.Entries) > 0 {
		b.WriteString("| action | object | changes | source |\n|---|---|---|---|\n")
		for _, e := range r.Entries {
			source := "`" + e.Origin.String() + "`"
			if e.Action == ActionPrune {
				source = "no longer in the manifests"
			}
			row := fmt.Sprintf("| %s | `%s` | %s | %s |\n", verb(e.Action), e.Header(), fieldSummary(e), source)
			if b.Len()+len(row) > limit/2 {
				break
			}
			b.WriteString(row)
			rows++
		}
		b.WriteString("\n")
	}
	sections := 0
	for _, e := range r.Entries[:rows] {
		reason := ""
		if e.Reason != "" {
			reason = "> " + strings.TrimPrefix(reasonLine(e), "# ") + "\n\n"
		}
		section := fmt.Sprintf("<details><summary>%s <code>%s</code></summary>\n\n%s```diff\n%s```\n</details>\n\n", verb(e.Action), e.Header(), reason, e.Unified())
		if b.Len()+len(section) > limit-reserve {
			break
		}
		b.WriteString(section)
		sections++
	}
	if n := len(r.Entries); sections < n {
		fmt.Fprintf(&b, "> **Truncated:** %d of %d changed objects have no diff shown here (%d are not in the table either), to stay under the %d-character comment limit. Run `converge diff` locally for the full diff.\n", n-sections, n, n-rows, MarkdownLimit)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryFields is how many changed fields a summary row names.
const summaryFields = 3

// fieldSummary names the changed fields of an update, so a reviewer sees
// the change without opening its section: "`spec.replicas` 1 → 3". A
// Secret's keys show only that they changed.
func fieldSummary(e Entry) string {
	if e.Action != ActionConfigure || len(e.Fields) == 0 {
		return ""
	}
	secret := e.ID.Kind == "Secret" && e.ID.Group == ""
	var parts []string
	for _, f := range e.Fields[:min(len(e.Fields), summaryFields)] {
		parts = append(parts, fieldPhrase(f, secret))
	}
	if more := len(e.Fields) - summaryFields; more > 0 {
		parts = append(parts, fmt.Sprintf("and %d more", more))
	}
	return strings.Join(parts, "; ")
}

func fieldPhrase(f FieldChange, secret bool) string {
	name := "`" + f.Path + "`"
	switch {
	case f.Op == FieldAdd:
		return name + " added"
	case f.Op == FieldRemove:
		return name + " removed"
	case secret:
		return name + " changed"
	}
	return fmt.Sprintf("%s %s → %s", name, cell(f.Before), cell(f.After))
}

// cell is a value short enough, and safe, for a Markdown table cell.
func cell(v any) string {
	s := strings.Join(strings.Fields(fmt.Sprint(v)), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return strings.ReplaceAll(s, "|", "\\|")
}
