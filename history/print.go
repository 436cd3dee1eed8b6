package history

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/manifests"
)

// dateLayout is how revisions show their time.
const dateLayout = "2006-01-02 15:04:05 MST"

// WriteTable prints revisions as `converge history` lists them, oldest
// first: REVISION, DATE, SOURCE, CHANGE-CAUSE, the counts and RESULT.
func WriteTable(w io.Writer, revs []Revision) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "REVISION\tDATE\tSOURCE\tCHANGE-CAUSE\tCREATED\tCONFIGURED\tPRUNED\tRESULT")
	for _, r := range revs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", r.Number, r.Time.Local().Format(dateLayout),
			r.Source.Short(), oneLine(r.ChangeCause), r.Counts.Created, r.Counts.Configured, r.Counts.Pruned, r.ResultText())
	}
	return tw.Flush()
}

// oneLine keeps a table cell on one line.
func oneLine(s string) string {
	if s == "" {
		return "<none>"
	}
	return strings.Join(strings.Fields(s), " ")
}

// Details is what `converge history --revision N` shows: the revision and
// the masked change from the revision before it.
type Details struct {
	Revision Revision `json:"revision"`
	// Base is the revision compared with, 0 when there is none (the first
	// revision, or one no longer kept).
	Base int `json:"base"`
	// Changes are the changes from Base, masked.
	Changes diff.JSONReport `json:"changes"`
	report  diff.Report
}

// NewDetails compares revision rev's set (head) with the set of the
// revision before it (base, nil when there is none) and masks the result.
func NewDetails(rev Revision, base *Revision, baseSet, head []manifests.Object) Details {
	d := Details{Revision: rev}
	from := "(none)"
	if base != nil {
		d.Base = base.Number
		from = fmt.Sprintf("revision %d", base.Number)
	}
	d.report = diff.NewReport(diff.Compare(baseSet, head), nil).Relabel(from, fmt.Sprintf("revision %d", rev.Number))
	d.Changes = d.report.JSON()
	return d
}

// WriteText prints the revision, then the unified diff of every object
// that changed from the revision before it.
func (d Details) WriteText(w io.Writer, color bool) error {
	r := d.Revision
	tw := tabwriter.NewWriter(w, 0, 8, 1, ' ', 0)
	fmt.Fprintf(tw, "Revision:\t%d\n", r.Number)
	fmt.Fprintf(tw, "Date:\t%s\n", r.Time.Local().Format(time.RFC1123))
	if r.User != "" {
		fmt.Fprintf(tw, "Applied by:\t%s\n", r.User)
	}
	for i, line := range r.Source.lines() {
		label := ""
		if i == 0 {
			label = "Source:"
		}
		fmt.Fprintf(tw, "%s\t%s\n", label, line)
	}
	fmt.Fprintf(tw, "Change-cause:\t%s\n", oneLine(r.ChangeCause))
	c := r.Counts
	fmt.Fprintf(tw, "Result:\t%s: %d created, %d configured, %d unchanged, %d pruned", r.ResultText(), c.Created, c.Configured, c.Unchanged, c.Pruned)
	if c.Failed > 0 {
		fmt.Fprintf(tw, ", %d failed", c.Failed)
	}
	fmt.Fprintf(tw, "\nApplied with:\t%s\n", r.Settings)
	fmt.Fprintf(tw, "Objects:\t%d, stored in %d Secret(s)\n", r.Objects, r.Parts)
	if err := tw.Flush(); err != nil {
		return err
	}
	if d.Base == 0 {
		fmt.Fprintf(w, "\nObjects of revision %d (no earlier revision is kept):\n", r.Number)
	} else {
		fmt.Fprintf(w, "\nChanges from revision %d:\n", d.Base)
	}
	return d.report.WriteText(w, color)
}

// String describes the settings, as "namespace shop, client-side apply".
func (s Settings) String() string {
	mode := "client-side apply"
	if s.ServerSide {
		mode = "server-side apply"
	}
	if s.FieldManager != "" {
		mode += " as " + s.FieldManager
	}
	out := "namespace " + s.Namespace + ", " + mode
	if s.Selector != "" {
		out += ", selector " + s.Selector
	}
	return out
}

// lines describe the source, one fact per line.
func (s Source) lines() []string {
	if s.Kind != SourceGit {
		line := "local files"
		if len(s.Paths) > 0 {
			line += " " + strings.Join(s.Paths, ", ")
		}
		if s.Hash != "" {
			line += fmt.Sprintf(" (content %.12s)", s.Hash)
		}
		return []string{line}
	}
	first := "git"
	if s.URL != "" {
		first += " " + s.URL
	}
	if s.Ref != "" {
		first += " " + s.Ref
	}
	first += " @ " + s.Commit
	if s.Dirty {
		first += " (with uncommitted changes)"
	}
	out := []string{first, fmt.Sprintf("%q by %s", s.Subject, s.Author)}
	if len(s.Paths) > 0 {
		out = append(out, "paths: "+strings.Join(s.Paths, ", "))
	}
	return out
}
