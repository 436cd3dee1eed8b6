package manifests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	yamlv2 "go.yaml.in/yaml/v2"
)

// slowDecode is the reference: yaml.v2 in strict mode, normalised.
func slowDecode(data []byte) (any, error) {
	var raw any
	if err := yamlv2.UnmarshalStrict(data, &raw); err != nil {
		return nil, err
	}
	return normalizeValue(raw)
}

// fastYAMLCases are documents with whether the fast decoder should take
// them; either way the result must equal yaml.v2's.
var fastYAMLCases = []struct {
	name string
	doc  string
	fast bool
}{
	{name: "deployment", fast: true, doc: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web, tier: \"front\"}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        args: [\"--port\", '8080', -v]\n        ports:\n        - containerPort: 8080\n          protocol: TCP\n        resources:\n          limits: {cpu: 500m, memory: 128Mi}\n"},
	{name: "comments and blank lines", fast: true, doc: "# head\nkind: A # trailing\n\n  # indented comment\nmetadata:\n\n  name: x#y\n"},
	{name: "sequence at key indent", fast: true, doc: "items:\n- a\n- b: 1\n  c: 2\n-\n- - x\n  - y\nnext: z\n"},
	{name: "nested value on next line", fast: true, doc: "a:\n    b\nc:\n  - 1\n"},
	{name: "empty values", fast: true, doc: "a:\nb: ~\nc: null\nd: []\ne: {}\n"},
	{name: "booleans yaml 1.1", fast: true, doc: "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: True\ng: n\n"},
	{name: "numbers", fast: true, doc: "a: 0\nb: 12\nc: -3\nd: 1.5\ne: 0x1F\nf: 017\ng: 1_000\nh: 1e3\ni: +5\nj: 123456789012345678901\nk: -0\nl: .5\n"},
	{name: "number-like strings", fast: true, doc: "a: 500m\nb: 128Mi\nc: 1.2.3\nd: 2024-01-02\ne: 2001-12-14T21:59:43.10-05:00\nf: 12:30\ng: 0b101\nh: 1,5\n"},
	{name: "quoted", fast: true, doc: "a: 'it''s'\nb: \"tab\\there \\u00e9 \\x41 \\\" \\\\ \\'\"\nc: \"\"\n\"d e\": ''\n'f' : 1\n"},
	{name: "block scalars", fast: true, doc: "a: |\n  line 1\n\n  line 3\n    indented\nb: |-\n  strip\n\nc: >\n  folded\n  text\n\n  para\nd: >-\n  x\n  y\ne: |\n  no final break"},
	{name: "block scalar in sequence", fast: true, doc: "s:\n- |\n  one\n- two\n"},
	{name: "unicode", fast: true, doc: "a: 中文\nb: \"é\"\n"},
	{name: "flow nested", fast: true, doc: "a: {b: [1, {c: d}], e: 'f'}\ng: [\"x\", y z, -1]\n"},
	{name: "plain with colon and hash", fast: true, doc: "url: http://x:80/a#b\ncmd: a:b\n"},
	{name: "key with spaces", fast: true, doc: "a b: 1\n"},
	{name: "string keys that look special", fast: false, doc: "on: 1\n"},
	{name: "int key", fast: false, doc: "1: a\n"},
	{name: "duplicate key", fast: false, doc: "a: 1\na: 2\n"},
	{name: "anchors", fast: false, doc: "a: &x 1\nb: *x\n"},
	{name: "merge key", fast: false, doc: "a: {x: 1}\n<<: {y: 2}\n"},
	{name: "tag", fast: false, doc: "a: !!str 1\n"},
	{name: "multi-line plain", fast: false, doc: "a: one\n  two\n"},
	{name: "multi-line quoted", fast: false, doc: "a: \"one\n  two\"\n"},
	{name: "multi-line flow", fast: false, doc: "a: [1,\n  2]\n"},
	{name: "tab", fast: false, doc: "a:\t1\n"},
	{name: "crlf", fast: false, doc: "a: 1\r\n"},
	{name: "keep chomping", fast: false, doc: "a: |+\n  x\n\n"},
	{name: "indent indicator", fast: false, doc: "a: |2\n   x\n"},
	{name: "nan", fast: false, doc: "a: .nan\n"},
	{name: "mapping in value", fast: false, doc: "a: b: c\n"},
	{name: "bad indent", fast: false, doc: "a:\n  b: 1\n c: 2\n"},
	{name: "root sequence", fast: false, doc: "- a\n"},
	{name: "root scalar", fast: false, doc: "hello\n"},
	{name: "document marker", fast: false, doc: "--- {a: 1}\n"},
	{name: "emoji", fast: false, doc: "a: \U0001F600\n"},
	{name: "template", fast: false, doc: "a: {{ .Values.x }}\n"},
	{name: "complex key", fast: false, doc: "? a\n: b\n"},
	{name: "entry after value", fast: false, doc: "a: 1\n- b\n"},
}

func TestFastYAMLMatchesYAMLv2(t *testing.T) {
	for _, tc := range fastYAMLCases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := newFastYAML().decode([]byte(tc.doc))
			if ok != tc.fast {
				t.Errorf("fast path taken = %v, want %v", ok, tc.fast)
			}
			if ok {
				checkAgainstYAMLv2(t, []byte(tc.doc), got)
			}
		})
	}
}

// checkAgainstYAMLv2 fails when yaml.v2 rejects doc or decodes it to
// anything but got.
func checkAgainstYAMLv2(t *testing.T, doc []byte, got any) {
	t.Helper()
	want, err := slowDecode(doc)
	if err != nil {
		t.Fatalf("fast decoder accepted a document yaml.v2 rejects (%v):\n%s", err, doc)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("fast decoder differs from yaml.v2 (-want +got):\n%s\ndocument:\n%s", diff, doc)
	}
}

// FuzzFastYAML is the differential test of the fast decoder: whatever it
// accepts must be valid YAML that yaml.v2 decodes to the same value.
func FuzzFastYAML(f *testing.F) {
	for _, tc := range fastYAMLCases {
		f.Add([]byte(tc.doc))
	}
	seeds, _ := filepath.Glob(filepath.Join("..", "examples", "*", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	for _, s := range append(seeds, more...) {
		if data, err := os.ReadFile(s); err == nil {
			for _, d := range splitDocuments(data) {
				f.Add(d.data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if got, ok := newFastYAML().decode(doc); ok {
			checkAgainstYAMLv2(t, doc, got)
		}
	})
}
