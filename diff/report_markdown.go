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
// collapsible section per changed object. Sections that would pass
// MarkdownLimit are left out and a notice says how many.
func (r Report) WriteMarkdown(w io.Writer) error {
	var head strings.Builder
	fmt.Fprintf(&head, "### converge diff: %s\n\n", r.Summary())
	if len(r.Entries) > 0 {
		head.WriteString("| action | object | source |\n|---|---|---|\n")
		for _, e := range r.Entries {
			fmt.Fprintf(&head, "| %s | `%s` | `%s` |\n", verb(e.Action), e.Header(), e.Origin)
		}
		head.WriteString("\n")
	}
	out := head.String()
	if len(out) > MarkdownLimit {
		out = out[:MarkdownLimit-200] + "\n"
	}
	shown := 0
	for _, e := range r.Entries {
		section := fmt.Sprintf("<details><summary>%s <code>%s</code></summary>\n\n```diff\n%s```\n</details>\n\n", verb(e.Action), e.Header(), e.Unified())
		if len(out)+len(section) > MarkdownLimit-300 {
			break
		}
		out += section
		shown++
	}
	if rest := len(r.Entries) - shown; rest > 0 {
		out += fmt.Sprintf("> **Truncated:** %d of %d changed objects are not shown, to stay under the %d-character comment limit. Run `converge diff` locally for the full diff.\n", rest, len(r.Entries), MarkdownLimit)
	}
	_, err := io.WriteString(w, out)
	return err
}
