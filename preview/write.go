package preview

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/junit"
)

// WriteAll prints the previews of RunAll: text, "json", "markdown" or
// "junit", one section (or test suite) per app. The Markdown stays under diff.MarkdownLimit, for a
// pull-request comment, and says what it cut.
func WriteAll(w io.Writer, results []AppResult, output string) error {
	switch output {
	case "json":
		return writeAllJSON(w, results)
	case "markdown":
		return writeAllMarkdown(w, results)
	case "junit":
		return writeAllJUnit(w, results)
	}
	if len(results) == 0 {
		_, err := fmt.Fprintln(w, "no app changed")
		return err
	}
	for _, r := range results {
		fmt.Fprintf(w, "== %s\n", title(r))
		if r.Skipped != "" {
			fmt.Fprintf(w, "%s\n\n", r.Skipped)
			continue
		}
		if r.Err != nil {
			fmt.Fprintf(w, "error: %s\n\n", r.Err.Error())
			continue
		}
		if r.Note != "" {
			fmt.Fprintf(w, "note: %s\n", r.Note)
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
	switch {
	case r.App.Kustomize:
		kind = "kustomization"
	case r.App.Chart:
		kind = "Helm chart"
	}
	return fmt.Sprintf("%s (%s)", r.App.Path, kind)
}

func writeAllJSON(w io.Writer, results []AppResult) error {
	type app struct {
		App
		Skipped string           `json:"skipped,omitempty"`
		Note    string           `json:"note,omitempty"`
		Error   string           `json:"error,omitempty"`
		Changes *diff.JSONReport `json:"changes,omitempty"`
	}
	out := struct {
		Apps []app `json:"apps"`
	}{Apps: []app{}}
	for _, r := range results {
		a := app{App: r.App, Skipped: r.Skipped, Note: r.Note}
		switch {
		case r.Skipped != "":
		case r.Err != nil:
			a.Error = r.Err.Error()
		default:
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
			if r.Skipped != "" {
				fmt.Fprintf(&b, "| `%s` | | | | not previewed: %s |\n", r.App.Path, helmKind(r.App))
				continue
			}
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
		if r.Skipped != "" || r.Err != nil {
			fmt.Fprintf(&section, "### %s\n\n", title(r))
		}
		switch {
		case r.Skipped != "":
			fmt.Fprintf(&section, "_%s_\n\n", r.Skipped)
		case r.Err != nil:
			fmt.Fprintf(&section, "```\n%s\n```\n\n", r.Err.Error())
		default:
			if err := r.Report.WriteMarkdownTitled(&section, diff.MarkdownLimit, title(r)); err != nil {
				return err
			}
			if r.Note != "" {
				fmt.Fprintf(&section, "> **Note:** %s\n\n", r.Note)
			}
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

// writeAllJUnit writes one test suite per app: a case per change, or the
// problems of an app that does not render or validate as failures.
func writeAllJUnit(w io.Writer, results []AppResult) error {
	suites := make([]junit.Suite, 0, len(results))
	for _, r := range results {
		name := "converge preview " + title(r)
		if r.Skipped != "" {
			s := junit.Suite{Name: name}
			s.Add(junit.Case{Name: "preview", ClassName: r.App.Path, Skipped: &struct{}{}, SystemOut: &junit.Output{Text: r.Skipped}})
			suites = append(suites, s)
			continue
		}
		if r.Err != nil {
			suites = append(suites, FailedSuite(name, r.App.Path, r.Err))
			continue
		}
		suites = append(suites, r.Report.JUnit(name))
	}
	return junit.Write(w, suites...)
}

// FailedSuite is the JUnit suite of a preview that failed: a case named
// for the side that does not render or validate, with a failure per
// problem located as path:line, or the error itself.
func FailedSuite(name, class string, err error) junit.Suite {
	s := junit.Suite{Name: name}
	c := junit.Case{Name: "render and validate", ClassName: class}
	if pe, ok := errors.AsType[*ProblemsError](err); ok {
		c.Name = "render and validate " + pe.Side
		for _, p := range pe.Problems {
			c.Failures = append(c.Failures, junit.Failure{Message: p, Text: p})
		}
	} else {
		c.Failures = []junit.Failure{{Message: err.Error(), Text: err.Error()}}
	}
	s.Add(c)
	return s
}

// helmKind names why an app was not previewed, for a table cell.
func helmKind(a App) string {
	if a.Chart {
		return "Helm chart"
	}
	return "uses helmCharts"
}
