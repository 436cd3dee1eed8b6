package preview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/convergehq/converge/diff"
)

// WriteAll prints the previews of RunAll: text, "json" or "markdown", one
// section per app. The Markdown stays under diff.MarkdownLimit, for a
// pull-request comment, and says what it cut.
func WriteAll(w io.Writer, results []AppResult, output string) error {
	switch output {
	case "json":
		return writeAllJSON(w, results)
	case "markdown":
		return writeAllMarkdown(w, results)
	}
	if len(results) == 0 {
		_, err := fmt.Fprintln(w, "no app changed")
		return err
	}
	for _, r := range results {
		fmt.Fprintf(w, "== %s\n", title(r))
		if r.Err != nil {
			fmt.Fprintf(w, "error: %s\n\n", r.Err.Error())
			continue
		}
		if err := r.Report.WriteText(w, false); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	return nil
}

func title(r AppResult) string {
	kind := "directory"
	if r.App.Kustomize {
		kind = "kustomization"
	}
	return fmt.Sprintf("%s (%s)", r.App.Path, kind)
}

func writeAllJSON(w io.Writer, results []AppResult) error {
	type app struct {
		App
		Error   string           `json:"error,omitempty"`
		Changes *diff.JSONReport `json:"changes,omitempty"`
	}
	out := struct {
		Apps []app `json:"apps"`
	}{Apps: []app{}}
	for _, r := range results {
		a := app{App: r.App}
		if r.Err != nil {
			a.Error = r.Err.Error()
		} else {
			rep := r.Report.JSON()
			a.Changes = &rep
		}
		out.Apps = append(out.Apps, a)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeAllMarkdown writes a summary table of the apps, then each app's
// own Markdown while it fits.
func writeAllMarkdown(w io.Writer, results []AppResult) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## converge preview: %d app(s) changed\n\n", len(results))
	if len(results) > 0 {
		b.WriteString("| app | + | ~ | - | |\n|---|---|---|---|---|\n")
		for _, r := range results {
			if r.Err != nil {
				fmt.Fprintf(&b, "| `%s` | | | | does not render or validate |\n", r.App.Path)
				continue
			}
			fmt.Fprintf(&b, "| `%s` | %d | %d | %d | |\n", r.App.Path, r.Report.Create, r.Report.Update+r.Report.Replace, r.Report.Prune)
		}
		b.WriteString("\n")
	}
	cut := 0
	for _, r := range results {
		var section bytes.Buffer
		fmt.Fprintf(&section, "### %s\n\n", title(r))
		if r.Err != nil {
			fmt.Fprintf(&section, "```\n%s\n```\n\n", r.Err.Error())
		} else if err := r.Report.WriteMarkdown(&section); err != nil {
			return err
		}
		if b.Len()+section.Len() > diff.MarkdownLimit-200 {
			cut++
			continue
		}
		b.Write(section.Bytes())
	}
	if cut > 0 {
		fmt.Fprintf(&b, "_%d app section(s) left out to stay under %d characters; run converge diff --git-base locally for all._\n", cut, diff.MarkdownLimit)
	}
	_, err := w.Write(b.Bytes())
	return err
}
