package manifests

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// doc is a comparable view of a document.
type doc struct {
	Data string
	Line int
}

func docsOf(ds []document) []doc {
	out := make([]doc, 0, len(ds))
	for _, d := range ds {
		out = append(out, doc{Data: string(d.data), Line: d.line})
	}
	return out
}

func TestSplitDocuments(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []doc
	}{
		{
			name: "empty input is one empty document",
			in:   "",
			want: []doc{{"", 1}},
		},
		{
			name: "single document without separator",
			in:   "a: 1\nb: 2\n",
			want: []doc{{"a: 1\nb: 2\n", 1}},
		},
		{
			name: "single document without final newline",
			in:   "a: 1",
			want: []doc{{"a: 1", 1}},
		},
		{
			name: "two documents",
			in:   "a: 1\n---\nb: 2\n",
			want: []doc{{"a: 1\n", 1}, {"b: 2\n", 3}},
		},
		{
			name: "separator with a comment",
			in:   "a: 1\n--- # second\nb: 2\n",
			want: []doc{{"a: 1\n", 1}, {"b: 2\n", 3}},
		},
		{
			name: "three dashes glued to a comment are not a separator (YAML needs a space)",
			in:   "a: 1\n---# second\nb: 2\n",
			want: []doc{{"a: 1\n---# second\nb: 2\n", 1}},
		},
		{
			name: "separator with inline content starts the next document on its own line",
			in:   "a: 1\n--- {b: 2}\nc: 3\n",
			want: []doc{{"a: 1\n", 1}, {"--- {b: 2}\nc: 3\n", 2}},
		},
		{
			name: "separator with trailing blanks",
			in:   "a: 1\n--- \t \nb: 2\n",
			want: []doc{{"a: 1\n", 1}, {"b: 2\n", 3}},
		},
		{
			name: "leading separator gives an empty first document",
			in:   "---\na: 1\n",
			want: []doc{{"", 1}, {"a: 1\n", 2}},
		},
		{
			name: "leading comment and separator",
			in:   "# header\n---\na: 1\n",
			want: []doc{{"# header\n", 1}, {"a: 1\n", 3}},
		},
		{
			name: "trailing separator gives an empty last document",
			in:   "a: 1\n---\n",
			want: []doc{{"a: 1\n", 1}, {"", 3}},
		},
		{
			name: "trailing separator without newline",
			in:   "a: 1\n---",
			want: []doc{{"a: 1\n", 1}, {"", 3}},
		},
		{
			name: "consecutive separators",
			in:   "---\n---\na: 1\n",
			want: []doc{{"", 1}, {"", 2}, {"a: 1\n", 3}},
		},
		{
			name: "blank lines count towards start lines",
			in:   "a: 1\n\n\n---\n\nb: 2\n---\n# c\nc: 3\n",
			want: []doc{{"a: 1\n\n\n", 1}, {"\nb: 2\n", 5}, {"# c\nc: 3\n", 8}},
		},
		{
			name: "CRLF line endings",
			in:   "a: 1\r\n---\r\nb: 2\r\n--- # c\r\nc: 3\r\n",
			want: []doc{{"a: 1\r\n", 1}, {"b: 2\r\n", 3}, {"c: 3\r\n", 5}},
		},
		{
			name: "four dashes are not a separator",
			in:   "a: 1\n----\nb: 2\n",
			want: []doc{{"a: 1\n----\nb: 2\n", 1}},
		},
		{
			name: "dashes followed by text are not a separator",
			in:   "a: 1\n---x\nb: 2\n",
			want: []doc{{"a: 1\n---x\nb: 2\n", 1}},
		},
		{
			name: "indented dashes in a block scalar are not a separator",
			in:   "script: |\n  ---\n  echo\nb: 2\n",
			want: []doc{{"script: |\n  ---\n  echo\nb: 2\n", 1}},
		},
		{
			name: "dashes inside a line are not a separator",
			in:   "a: x---\n",
			want: []doc{{"a: x---\n", 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := docsOf(splitDocuments([]byte(tt.in)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("splitDocuments(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestIsBlank(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{name: "empty", in: "", want: true},
		{name: "newlines only", in: "\n\n\n", want: true},
		{name: "spaces and tabs", in: "  \t\n \n", want: true},
		{name: "comments", in: "# a\n  # b\n\t# c\n", want: true},
		{name: "document end marker", in: "...\n", want: true},
		{name: "comment and document end marker", in: "# a\n...\n", want: true},
		{name: "CRLF comments", in: "# a\r\n\r\n# b\r\n", want: true},
		{name: "mapping", in: "a: 1\n", want: false},
		{name: "content after comment", in: "# a\nkind: ConfigMap\n", want: false},
		{name: "indented content", in: "   x", want: false},
		{name: "scalar", in: "hello", want: false},
		{name: "empty flow mapping", in: "{}\n", want: false},
		{name: "separator line is content", in: "---\n", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := isBlank([]byte(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("isBlank(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestFirstContentLine(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{name: "empty", in: "", want: 0},
		{name: "content on first line", in: "a: 1\nb: 2\n", want: 0},
		{name: "after a comment", in: "# c\na: 1\n", want: 1},
		{name: "after blank lines and comments", in: "\n\n  # c\n\t\nkind: x\n", want: 4},
		{name: "indented content", in: "# c\n  a: 1\n", want: 1},
		{name: "CRLF", in: "\r\n# c\r\nkind: x\r\n", want: 2},
		{name: "only comments", in: "# a\n# b\n", want: 0},
		{name: "hash inside a value is content", in: "a: '#'\n", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := firstContentLine([]byte(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("firstContentLine(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
