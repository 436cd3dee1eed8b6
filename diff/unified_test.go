package diff

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// numbered returns lines "line 1" to "line n", each ended by a newline,
// with the lines in replace (by number) replaced by their value; a value
// of "" deletes the line.
func numbered(n int, replace map[int]string) string {
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		l := fmt.Sprintf("line %d", i)
		if r, ok := replace[i]; ok {
			if r == "" {
				continue
			}
			l = r
		}
		sb.WriteString(l + "\n")
	}
	return sb.String()
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		want     string
	}{
		{name: "equal", from: numbered(5, nil), to: numbered(5, nil), want: ""},
		{name: "both empty", want: ""},
		{
			name: "create",
			to:   "a\nb\nc\n",
			want: "--- from\n+++ to\n@@ -0,0 +1,3 @@\n+a\n+b\n+c\n",
		},
		{
			name: "delete",
			from: "a\nb\nc\n",
			want: "--- from\n+++ to\n@@ -1,3 +0,0 @@\n-a\n-b\n-c\n",
		},
		{
			name: "three lines of context",
			from: numbered(20, nil),
			to:   numbered(20, map[int]string{10: "changed 10"}),
			want: "--- from\n+++ to\n@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+changed 10\n line 11\n line 12\n line 13\n",
		},
		{
			name: "change on the first line",
			from: numbered(10, nil),
			to:   numbered(10, map[int]string{1: "changed 1"}),
			want: "--- from\n+++ to\n@@ -1,4 +1,4 @@\n-line 1\n+changed 1\n line 2\n line 3\n line 4\n",
		},
		{
			name: "change on the last line",
			from: numbered(10, nil),
			to:   numbered(10, map[int]string{10: "changed 10"}),
			want: "--- from\n+++ to\n@@ -7,4 +7,4 @@\n line 7\n line 8\n line 9\n-line 10\n+changed 10\n",
		},
		{
			name: "insertion",
			from: numbered(10, nil),
			to:   strings.Replace(numbered(10, nil), "line 5\n", "line 5\nnew\n", 1),
			want: "--- from\n+++ to\n@@ -3,6 +3,7 @@\n line 3\n line 4\n line 5\n+new\n line 6\n line 7\n line 8\n",
		},
		{
			name: "deletion",
			from: numbered(10, nil),
			to:   numbered(10, map[int]string{5: ""}),
			want: "--- from\n+++ to\n@@ -2,7 +2,6 @@\n line 2\n line 3\n line 4\n-line 5\n line 6\n line 7\n line 8\n",
		},
		{
			name: "two distant changes make two hunks",
			from: numbered(30, nil),
			to:   numbered(30, map[int]string{5: "changed 5", 25: "changed 25"}),
			want: "--- from\n+++ to\n" +
				"@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+changed 5\n line 6\n line 7\n line 8\n" +
				"@@ -22,7 +22,7 @@\n line 22\n line 23\n line 24\n-line 25\n+changed 25\n line 26\n line 27\n line 28\n",
		},
		{
			name: "changes 6 lines apart are merged",
			from: numbered(20, nil),
			to:   numbered(20, map[int]string{5: "changed 5", 12: "changed 12"}),
			want: "--- from\n+++ to\n@@ -2,14 +2,14 @@\n line 2\n line 3\n line 4\n-line 5\n+changed 5\n" +
				" line 6\n line 7\n line 8\n line 9\n line 10\n line 11\n-line 12\n+changed 12\n line 13\n line 14\n line 15\n",
		},
		{
			name: "changes 7 lines apart are not merged",
			from: numbered(20, nil),
			to:   numbered(20, map[int]string{5: "changed 5", 13: "changed 13"}),
			want: "--- from\n+++ to\n" +
				"@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+changed 5\n line 6\n line 7\n line 8\n" +
				"@@ -10,7 +10,7 @@\n line 10\n line 11\n line 12\n-line 13\n+changed 13\n line 14\n line 15\n line 16\n",
		},
		{
			name: "adjacent changed lines in one hunk",
			from: numbered(12, nil),
			to:   numbered(12, map[int]string{6: "changed 6", 7: "changed 7"}),
			want: "--- from\n+++ to\n@@ -3,8 +3,8 @@\n line 3\n line 4\n line 5\n-line 6\n-line 7\n+changed 6\n+changed 7\n line 8\n line 9\n line 10\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := unifiedDiff("from", "to", tt.from, tt.to)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("unifiedDiff (-want +got):\n%s", diff)
			}
		})
	}
}

// singleLineRange matches a hunk range of one line, which GNU diff prints
// without its length ("-3" for "-3,1").
var singleLineRange = regexp.MustCompile(`([-+])([0-9]+)( |$)`)

// gnuDiff returns the hunks `diff -u` prints for from and to: its output
// without the two file header lines, with one-line ranges written with
// their length as unifiedDiff writes them.
func gnuDiff(t *testing.T, from, to string) string {
	t.Helper()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte(from), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(to), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("diff", "-u", a, b).Output()
	var ee *exec.ExitError
	if from != to && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		t.Fatalf("diff -u: %v, want exit status 1", err)
	}
	if from == to {
		if err != nil {
			t.Fatalf("diff -u: %v", err)
		}
		return ""
	}
	lines := strings.SplitAfter(string(out), "\n")[2:]
	for i, l := range lines {
		if strings.HasPrefix(l, "@@ ") {
			lines[i] = "@@ " + singleLineRange.ReplaceAllString(strings.TrimPrefix(strings.TrimSuffix(l, " @@\n"), "@@ "), "$1$2,1$3") + " @@\n"
		}
	}
	return strings.Join(lines, "")
}

// hunksOf drops the two file header lines of a unified diff.
func hunksOf(u string) string {
	if u == "" {
		return ""
	}
	return strings.Join(strings.SplitAfter(u, "\n")[2:], "")
}

func TestUnifiedDiffMatchesGNUDiff(t *testing.T) {
	needDiff(t)
	yamlOld := toYAML(testDeployment("web", 2, "registry.example/web:1.0"))
	yamlNew := toYAML(testDeployment("web", 3, "registry.example/web:1.1"))
	tests := []struct {
		name     string
		from, to string
	}{
		{name: "equal", from: numbered(10, nil), to: numbered(10, nil)},
		{name: "one change", from: numbered(20, nil), to: numbered(20, map[int]string{10: "x"})},
		{name: "two distant changes", from: numbered(40, nil), to: numbered(40, map[int]string{5: "x", 30: "y"})},
		{name: "changes 6 apart", from: numbered(30, nil), to: numbered(30, map[int]string{10: "x", 17: "y"})},
		{name: "changes 7 apart", from: numbered(30, nil), to: numbered(30, map[int]string{10: "x", 18: "y"})},
		{name: "changes 8 apart", from: numbered(30, nil), to: numbered(30, map[int]string{10: "x", 19: "y"})},
		{name: "first and last line", from: numbered(12, nil), to: numbered(12, map[int]string{1: "x", 12: "y"})},
		{name: "deletions", from: numbered(30, nil), to: numbered(30, map[int]string{3: "", 4: "", 20: ""})},
		{name: "insertions", from: numbered(30, nil), to: strings.Replace(strings.Replace(numbered(30, nil), "line 2\n", "line 2\nnew a\nnew b\n", 1), "line 25\n", "line 25\nnew c\n", 1)},
		{name: "insertion at the start", from: numbered(10, nil), to: "new\n" + numbered(10, nil)},
		{name: "insertion at the end", from: numbered(10, nil), to: numbered(10, nil) + "new\n"},
		{name: "create", from: "", to: numbered(7, nil)},
		{name: "delete", from: numbered(7, nil), to: ""},
		{name: "one-line file", from: "a\n", to: "b\n"},
		{name: "short files", from: "a\nb\n", to: "a\nc\n"},
		{name: "deployment", from: yamlOld, to: yamlNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := gnuDiff(t, tt.from, tt.to)
			got := hunksOf(unifiedDiff("a", "b", tt.from, tt.to))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("unifiedDiff against diff -u (-want +got):\n%s", diff)
			}
		})
	}
}

var hunkHeader = regexp.MustCompile(`^@@ -([0-9]+),([0-9]+) \+([0-9]+),([0-9]+) @@$`)

// applyUnified applies the hunks of a unified diff made by unifiedDiff to
// from and returns the result; it checks the hunk headers, the context
// and the removed lines on the way.
func applyUnified(from, u string) (string, error) {
	if u == "" {
		return from, nil
	}
	old := strings.SplitAfter(from, "\n")
	old = old[:len(old)-1] // the empty string after the last newline
	lines := strings.Split(strings.TrimSuffix(u, "\n"), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "--- ") || !strings.HasPrefix(lines[1], "+++ ") {
		return "", fmt.Errorf("no file header")
	}
	var out []string
	next := 0 // index in old of the next line not yet copied
	newLine := 1
	prevEnd := -1
	for i := 2; i < len(lines); {
		m := hunkHeader.FindStringSubmatch(lines[i])
		if m == nil {
			return "", fmt.Errorf("line %d: want a hunk header, got %q", i+1, lines[i])
		}
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		oldStart, oldLen, newStart, newLen := n(1), n(2), n(3), n(4)
		start := oldStart - 1 // zero-based index of the hunk's first old line
		if oldLen == 0 {
			start = oldStart
		}
		if start < next {
			return "", fmt.Errorf("hunk %q overlaps the previous one", lines[i])
		}
		if prevEnd >= 0 && start <= prevEnd {
			return "", fmt.Errorf("hunk %q touches the previous one; they should have been merged", lines[i])
		}
		out = append(out, old[next:start]...)
		newLine += start - next
		if want := newLine - boolInt(newLen == 0); newStart != want {
			return "", fmt.Errorf("hunk %q: new start %d, want %d", lines[i], newStart, want)
		}
		next = start
		i++
		gotOld, gotNew := 0, 0
		for ; i < len(lines) && !strings.HasPrefix(lines[i], "@@ "); i++ {
			l := lines[i]
			if l == "" {
				return "", fmt.Errorf("line %d is empty", i+1)
			}
			text := l[1:] + "\n"
			switch l[0] {
			case ' ', '-':
				if next >= len(old) || old[next] != text {
					return "", fmt.Errorf("line %d: %q does not match old line %d", i+1, l, next+1)
				}
				next++
				gotOld++
				if l[0] == ' ' {
					out = append(out, text)
					gotNew++
					newLine++
				}
			case '+':
				out = append(out, text)
				gotNew++
				newLine++
			default:
				return "", fmt.Errorf("line %d: bad prefix in %q", i+1, l)
			}
		}
		if gotOld != oldLen || gotNew != newLen {
			return "", fmt.Errorf("hunk %q has %d old and %d new lines", m[0], gotOld, gotNew)
		}
		prevEnd = next
	}
	out = append(out, old[next:]...)
	return strings.Join(out, ""), nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestUnifiedDiffRoundTrip applies the unified diff of random texts to the
// old text and expects the new one, and checks each hunk's header, its
// context and the gaps between hunks.
func TestUnifiedDiffRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Few distinct lines, so that many lines repeat and the alignment is
	// ambiguous.
	words := []string{"a", "b", "c", "  key: value", "- item", "spec:", ""}
	randomText := func() string {
		var sb strings.Builder
		for range rng.IntN(40) {
			sb.WriteString(words[rng.IntN(len(words))] + "\n")
		}
		return sb.String()
	}
	for i := range 500 {
		from := randomText()
		to := from
		switch i % 3 {
		case 0: // unrelated texts
			to = randomText()
		default: // a few edits
			ls := strings.SplitAfter(from, "\n")
			for range 1 + rng.IntN(3) {
				p := rng.IntN(len(ls))
				switch rng.IntN(3) {
				case 0:
					ls = append(ls[:p], append([]string{words[rng.IntN(len(words))] + "\n"}, ls[p:]...)...)
				case 1:
					if ls[p] != "" {
						ls = append(ls[:p], ls[p+1:]...)
					}
				default:
					if ls[p] != "" {
						ls[p] = "changed\n"
					}
				}
			}
			to = strings.Join(ls, "")
		}
		u := unifiedDiff("old", "new", from, to)
		if (u == "") != (from == to) {
			t.Fatalf("case %d: unifiedDiff is empty: %v; texts equal: %v", i, u == "", from == to)
		}
		got, err := applyUnified(from, u)
		if err != nil {
			t.Fatalf("case %d: %v\nfrom:\n%q\nto:\n%q\ndiff:\n%s", i, err, from, to, u)
		}
		if got != to {
			t.Fatalf("case %d: applying the diff gives %q, want %q\ndiff:\n%s", i, got, to, u)
		}
		// Each hunk starts and ends with contextLines of context, or
		// fewer at the start and end of the old text.
		oldLines := strings.Count(from, "\n")
		for _, h := range strings.Split(u, "\n@@ ")[1:] {
			hl := strings.Split(strings.TrimSuffix(h, "\n"), "\n")
			m := hunkHeader.FindStringSubmatch("@@ " + hl[0])
			if m == nil {
				t.Fatalf("case %d: bad hunk header %q", i, hl[0])
			}
			oldStart, _ := strconv.Atoi(m[1])
			oldLen, _ := strconv.Atoi(m[2])
			body := hl[1:]
			lead, trail := 0, 0
			for lead < len(body) && body[lead][0] == ' ' {
				lead++
			}
			for trail < len(body) && body[len(body)-1-trail][0] == ' ' {
				trail++
			}
			atStart := oldStart <= 1
			lastOld := oldStart + oldLen - 1 // the last old line in the hunk
			if oldLen == 0 {
				lastOld = oldStart // the line the hunk inserts after
			}
			atEnd := lastOld >= oldLines
			if lead == len(body) || lead > contextLines || trail > contextLines ||
				lead < contextLines && !atStart || trail < contextLines && !atEnd {
				t.Fatalf("case %d: hunk %q with %d leading and %d trailing context lines of %d:\n%s", i, hl[0], lead, trail, len(body), u)
			}
		}
	}
}

func TestApplyUnifiedDetectsBadHunks(t *testing.T) {
	from := numbered(20, nil)
	good := unifiedDiff("a", "b", from, numbered(20, map[int]string{10: "x"}))
	tests := []struct {
		name string
		u    string
	}{
		{name: "wrong old start", u: strings.Replace(good, "@@ -7,7", "@@ -6,7", 1)},
		{name: "wrong new start", u: strings.Replace(good, "+7,7 @@", "+8,7 @@", 1)},
		{name: "wrong length", u: strings.Replace(good, "@@ -7,7", "@@ -7,8", 1)},
		{name: "wrong context", u: strings.Replace(good, " line 8\n", " line 88\n", 1)},
		{name: "touching hunks", u: good + "@@ -14,1 +14,1 @@\n-line 14\n+y\n"},
	}
	if _, err := applyUnified(from, good); err != nil {
		t.Fatalf("good diff: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := applyUnified(from, tt.u); err == nil {
				t.Errorf("applyUnified accepted a bad diff:\n%s", tt.u)
			}
		})
	}
}
