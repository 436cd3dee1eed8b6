package diff

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// largeChangeSet has n ConfigMaps updated in 20 keys each, so that each
// has a unified diff of about 2 KB.
func largeChangeSet(t *testing.T, n int) ChangeSet {
	t.Helper()
	var cs ChangeSet
	for i := range n {
		old, new := map[string]any{}, map[string]any{}
		for k := range 20 {
			key := fmt.Sprintf("setting-%02d", k)
			old[key] = fmt.Sprintf("old value %d of object %04d, long enough to matter", k, i)
			new[key] = fmt.Sprintf("new value %d of object %04d, long enough to matter", k, i)
		}
		name := fmt.Sprintf("settings-%04d", i)
		cs.Changes = append(cs.Changes, updateChange(t, "config/"+name+".yaml", ActionConfigure, shopConfigMap(name, old), shopConfigMap(name, new)))
	}
	return cs
}

var truncationNotice = regexp.MustCompile("\n> \\*\\*Truncated:\\*\\* ([0-9]+) of ([0-9]+) changed objects have no diff shown here \\([0-9]+ are not in the table either\\), to stay under the 65000-character comment limit\\. Run `converge diff` locally for the full diff\\.\n$")

// checkTruncated checks that md is a truncated Markdown report of total
// changed objects, under the limit, and returns how many sections it shows.
func checkTruncated(t *testing.T, md string, total int) int {
	t.Helper()
	if n := utf8.RuneCountInString(md); n >= MarkdownLimit {
		t.Errorf("Markdown report has %d characters, want fewer than MarkdownLimit (%d)", n, MarkdownLimit)
	}
	if len(md) >= MarkdownLimit {
		t.Errorf("Markdown report has %d bytes, want fewer than MarkdownLimit (%d)", len(md), MarkdownLimit)
	}
	if !utf8.ValidString(md) {
		t.Errorf("Markdown report is not valid UTF-8")
	}
	shown := strings.Count(md, "<details>")
	if closed := strings.Count(md, "</details>"); closed != shown {
		t.Errorf("Markdown report opens %d sections and closes %d", shown, closed)
	}
	m := truncationNotice.FindStringSubmatch(md)
	if m == nil {
		t.Fatalf("Markdown report does not end with the truncation notice; it ends with:\n%s", md[max(0, len(md)-400):])
	}
	type notice struct{ Left, Total int }
	left, _ := strconv.Atoi(m[1])
	all, _ := strconv.Atoi(m[2])
	if diff := cmp.Diff(notice{total - shown, total}, notice{left, all}); diff != "" {
		t.Errorf("truncation notice counts (-want +got):\n%s", diff)
	}
	return shown
}

func TestWriteMarkdownTruncates(t *testing.T) {
	tests := []struct {
		name string
		n    int
		// wantSome is whether some sections are shown, that is whether
		// the summary table fits with room to spare.
		wantSome bool
	}{
		{name: "100 large changes", n: 100, wantSome: true},
		{name: "2000 large changes", n: 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReport(largeChangeSet(t, tt.n), nil)
			if len(r.Entries) != tt.n {
				t.Fatalf("report has %d entries, want %d", len(r.Entries), tt.n)
			}
			var buf bytes.Buffer
			if err := r.WriteMarkdown(&buf); err != nil {
				t.Fatal(err)
			}
			md := buf.String()
			wantHead := fmt.Sprintf("### converge diff: 0 to create, %d to update, 0 unchanged\n\n| action | object | changes | source |\n|---|---|---|---|\n"+
				"| update | `core/ConfigMap shop/settings-0000` | `data.setting-00` old value 0 of object 0000, long enough to matter → new value 0 of object 0000, long enough to matter; "+
				"`data.setting-01` old value 1 of object 0000, long enough to matter → new value 1 of object 0000, long enough to matter; "+
				"`data.setting-02` old value 2 of object 0000, long enough to matter → new value 2 of object 0000, long enough to matter; and 17 more | `config/settings-0000.yaml:1` |\n", tt.n)
			if !strings.HasPrefix(md, wantHead) {
				t.Errorf("Markdown report does not start with %q:\n%s", wantHead, md[:min(len(md), 500)])
			}
			shown := checkTruncated(t, md, tt.n)
			if tt.wantSome && shown == 0 {
				t.Errorf("no section shown, want as many as fit")
			}
			// Sections are shown in order, each whole.
			for i, e := range r.Entries[:shown] {
				section := fmt.Sprintf("<details><summary>update <code>%s</code></summary>\n\n```diff\n%s```\n</details>\n\n", e.Header(), e.Unified())
				if !strings.Contains(md, section) {
					t.Errorf("section %d (%s) is not shown whole", i, e.Header())
				}
			}
			if shown < len(r.Entries) && strings.Contains(md, "<code>"+r.Entries[shown].Header()+"</code>") {
				t.Errorf("section %d (%s) is shown although the notice leaves it out", shown, r.Entries[shown].Header())
			}
		})
	}
}

func TestWriteMarkdown(t *testing.T) {
	r := NewReport(reportChangeSet(t), reportIgnore)
	var buf bytes.Buffer
	if err := r.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	var want strings.Builder
	want.WriteString("### converge diff: 1 to create, 2 to update, 3 unchanged\n\n" +
		"| action | object | changes | source |\n" +
		"|---|---|---|---|\n" +
		"| create | `core/ConfigMap shop/settings` |  | `config/settings.yaml:1` |\n" +
		"| update | `apps/Deployment shop/web` | `spec.template.spec.containers[0].image` registry.example/web:1.0 → registry.example/web:1.1 | `deploy/web.yaml:1` |\n" +
		"| update | `core/Secret shop/db` | `data.api-key` added; `data.legacy` removed; `data.password` changed; and 1 more | `secrets/db.yaml:1` |\n\n")
	for _, s := range []struct{ verb, header string }{
		{"create", "core/ConfigMap shop/settings"},
		{"update", "apps/Deployment shop/web"},
		{"update", "core/Secret shop/db"},
	} {
		// The diff body of each object is the one WriteText prints.
		start := strings.Index(wantReportText, s.header+" (")
		body := wantReportText[strings.Index(wantReportText[start:], "\n")+start+1:]
		body = body[:strings.Index(body, "\n\n")+1]
		fmt.Fprintf(&want, "<details><summary>%s <code>%s</code></summary>\n\n```diff\n%s```\n</details>\n\n", s.verb, s.header, body)
	}
	if diff := cmp.Diff(want.String(), md); diff != "" {
		t.Errorf("WriteMarkdown (-want +got):\n%s", diff)
	}
	if strings.Contains(md, "Truncated") {
		t.Errorf("small Markdown report has a truncation notice")
	}
	if got := strings.Count(md, "<details>"); got != 3 {
		t.Errorf("Markdown report has %d sections, want 3", got)
	}
}

func TestWriteMarkdownNoChanges(t *testing.T) {
	var buf bytes.Buffer
	if err := NewReport(ChangeSet{}, nil).WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("### converge diff: 0 to create, 0 to update, 0 unchanged\n\n", buf.String()); diff != "" {
		t.Errorf("WriteMarkdown (-want +got):\n%s", diff)
	}
}
