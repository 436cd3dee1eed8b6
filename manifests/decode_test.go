package manifests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// objSummary is what tests compare about a loaded object.
type objSummary struct {
	ID     ObjectID
	Origin Origin
}

func summarize(objs []Object) []objSummary {
	var out []objSummary
	for _, o := range objs {
		out = append(out, objSummary{ID: o.ID(), Origin: o.Origin})
	}
	return out
}

// wantProblem is the part of a Problem the tests check: where it is
// (file, document and line), the field, and the start of the message.
type wantProblem struct {
	File          string
	Doc, Line     int
	Field         string
	MessagePrefix string
}

// problemsFor projects got onto wantProblems, cutting each message to the
// length of the matching expected prefix when it has that prefix, so that a
// cmp.Diff shows the whole message when it does not.
func problemsFor(got []Problem, want []wantProblem) []wantProblem {
	var out []wantProblem
	for i, p := range got {
		msg := p.Message
		if i < len(want) && strings.HasPrefix(msg, want[i].MessagePrefix) {
			msg = want[i].MessagePrefix
		}
		out = append(out, wantProblem{File: p.Origin.File, Doc: p.Origin.Doc, Line: p.Origin.Line, Field: p.Field, MessagePrefix: msg})
	}
	return out
}

func readFixture(t *testing.T, name string) (string, []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data
}

func cmID(ns, name string) ObjectID {
	return ObjectID{Kind: "ConfigMap", Namespace: ns, Name: name}
}

func TestDecodeFile(t *testing.T) {
	const (
		msgMissing     = "missing; every Kubernetes object needs apiVersion and kind"
		msgMissingName = "missing; set metadata.name"
	)
	tests := []struct {
		name string
		// fixture names a file in testdata; otherwise src is decoded as file "f.yaml".
		fixture      string
		src          string
		isJSON       bool
		wantObjs     []objSummary
		wantProblems []wantProblem
	}{
		{
			name:    "multi-document YAML with comments and separators",
			fixture: "multi.yaml",
			wantObjs: []objSummary{
				{ObjectID{Kind: "Namespace", Name: "shop"}, Origin{File: "testdata/multi.yaml", Doc: 0, Line: 3}},
				{cmID("shop", "settings"), Origin{File: "testdata/multi.yaml", Doc: 1, Line: 9}},
				{ObjectID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"}, Origin{File: "testdata/multi.yaml", Doc: 2, Line: 19}},
			},
		},
		{
			name:    "kind List is expanded, items share the list's origin",
			fixture: "list.yaml",
			wantObjs: []objSummary{
				{cmID("shop", "one"), Origin{File: "testdata/list.yaml", Doc: 0, Line: 2}},
				{ObjectID{Kind: "Secret", Namespace: "shop", Name: "two"}, Origin{File: "testdata/list.yaml", Doc: 0, Line: 2}},
			},
		},
		{
			name:    "typed list such as ConfigMapList is expanded",
			fixture: "configmaplist.yaml",
			wantObjs: []objSummary{
				{cmID("", "before"), Origin{File: "testdata/configmaplist.yaml", Doc: 0, Line: 1}},
				{cmID("", "first"), Origin{File: "testdata/configmaplist.yaml", Doc: 1, Line: 7}},
				{cmID("", "second"), Origin{File: "testdata/configmaplist.yaml", Doc: 1, Line: 7}},
			},
		},
		{
			name:    "JSON file",
			fixture: "object.json",
			isJSON:  true,
			wantObjs: []objSummary{
				{cmID("shop", "from-json"), Origin{File: "testdata/object.json", Doc: 0, Line: 1}},
			},
		},
		{
			name:     "JSON file with leading blank lines",
			src:      "\n\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"j\"}}\n",
			isJSON:   true,
			wantObjs: []objSummary{{cmID("", "j"), Origin{File: "f.yaml", Doc: 0, Line: 3}}},
		},
		{
			name:     "tab in a later document reports the absolute file line",
			fixture:  "tab.yaml",
			wantObjs: []objSummary{{cmID("", "fine"), Origin{File: "testdata/tab.yaml", Doc: 0, Line: 1}}},
			wantProblems: []wantProblem{{
				File: "testdata/tab.yaml", Doc: 1, Line: 10,
				MessagePrefix: "invalid YAML: found character that cannot start any token",
			}},
		},
		{
			name: "mapping value error in a later document",
			src:  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: a: b\n",
			wantObjs: []objSummary{
				{cmID("", "a"), Origin{File: "f.yaml", Doc: 0, Line: 1}},
			},
			wantProblems: []wantProblem{{
				File: "f.yaml", Doc: 1, Line: 11,
				MessagePrefix: "invalid YAML: mapping values are not allowed in this context",
			}},
		},
		{
			name: "CRLF line endings",
			src:  "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n---\r\n# b\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: b\r\n",
			wantObjs: []objSummary{
				{cmID("", "a"), Origin{File: "f.yaml", Doc: 0, Line: 1}},
				{cmID("", "b"), Origin{File: "f.yaml", Doc: 1, Line: 7}},
			},
		},
		{
			name: "empty file",
			src:  "",
		},
		{
			name: "comment-only file",
			src:  "# nothing here yet\n---\n# nor here\n...\n",
		},
		{
			name:     "generateName instead of name",
			src:      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n",
			wantObjs: []objSummary{{ObjectID{Group: "batch", Kind: "Job"}, Origin{File: "f.yaml", Doc: 0, Line: 1}}},
		},
		{
			name: "missing apiVersion",
			src:  "# leading comment\nkind: ConfigMap\nmetadata:\n  name: x\n",
			wantProblems: []wantProblem{{
				File: "f.yaml", Doc: 0, Line: 2, Field: "apiVersion", MessagePrefix: msgMissing,
			}},
		},
		{
			name: "missing kind in the second document",
			src:  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\napiVersion: v1\nmetadata:\n  name: b\n",
			wantObjs: []objSummary{
				{cmID("", "a"), Origin{File: "f.yaml", Doc: 0, Line: 1}},
			},
			wantProblems: []wantProblem{{
				File: "f.yaml", Doc: 1, Line: 7, Field: "kind", MessagePrefix: msgMissing,
			}},
		},
		{
			name: "empty kind counts as missing",
			src:  "apiVersion: v1\nkind: \"\"\nmetadata:\n  name: a\n",
			wantProblems: []wantProblem{{
				File: "f.yaml", Doc: 0, Line: 1, Field: "kind", MessagePrefix: msgMissing,
			}},
		},
		{
			name: "missing name",
			src:  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: shop\n",
			wantProblems: []wantProblem{{
				File: "f.yaml", Doc: 0, Line: 1, Field: "metadata.name", MessagePrefix: msgMissingName,
			}},
		},
		{
			name: "every bad document is reported",
			src:  "kind: ConfigMap\n---\napiVersion: v1\nkind: ConfigMap\n",
			wantProblems: []wantProblem{
				{File: "f.yaml", Doc: 0, Line: 1, Field: "apiVersion", MessagePrefix: msgMissing},
				{File: "f.yaml", Doc: 1, Line: 3, Field: "metadata.name", MessagePrefix: msgMissingName},
			},
		},
		{
			name: "bad list items are reported with their index",
			src: `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: good}
- 3
- kind: ConfigMap
  metadata: {name: noversion}
- apiVersion: v1
  kind: ConfigMap
  metadata: {}
`,
			wantObjs: []objSummary{{cmID("", "good"), Origin{File: "f.yaml", Doc: 0, Line: 1}}},
			wantProblems: []wantProblem{
				{File: "f.yaml", Doc: 0, Line: 1, Field: "items[1]", MessagePrefix: "list item is not an object"},
				{File: "f.yaml", Doc: 0, Line: 1, Field: "items[2].apiVersion", MessagePrefix: msgMissing},
				{File: "f.yaml", Doc: 0, Line: 1, Field: "items[3].metadata.name", MessagePrefix: msgMissingName},
			},
		},
		{
			name: "empty list",
			src:  "apiVersion: v1\nkind: List\nitems: []\n",
		},
		{
			name: "scalar document",
			src:  "just a string\n",
			wantProblems: []wantProblem{{
				File: "f.yaml", Doc: 0, Line: 1, MessagePrefix: "document is a string, not a Kubernetes object",
			}},
		},
		{
			name: "sequence document",
			src:  "- a\n- b\n",
			wantProblems: []wantProblem{{
				File: "f.yaml", Doc: 0, Line: 1, MessagePrefix: "document is a list, not a Kubernetes object",
			}},
		},
		{
			name: "list of objects",
			src:  "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n",
			wantProblems: []wantProblem{{
				File: "f.yaml", Doc: 0, Line: 1, MessagePrefix: "document is a list of objects, which kubectl does not read",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, data := "f.yaml", []byte(tt.src)
			if tt.fixture != "" {
				name, data = readFixture(t, tt.fixture)
			}
			objs, problems := decodeFile(name, data, tt.isJSON)
			if diff := cmp.Diff(tt.wantObjs, summarize(objs)); diff != "" {
				t.Errorf("decodeFile objects mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantProblems, problemsFor(problems, tt.wantProblems)); diff != "" {
				t.Errorf("decodeFile problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeFileContent checks that objects hold what was written, for YAML,
// JSON and list items.
func TestDecodeFileContent(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		isJSON  bool
		want    []map[string]any
	}{
		{
			name:    "JSON object",
			fixture: "object.json",
			isJSON:  true,
			want: []map[string]any{{
				"apiVersion": "v1",
				"kind":       "ConfigMap",
				"metadata":   map[string]any{"name": "from-json", "namespace": "shop"},
				"data":       map[string]any{"a": "1", "dashes": "---"},
			}},
		},
		{
			name:    "list items",
			fixture: "list.yaml",
			want: []map[string]any{
				{
					"apiVersion": "v1",
					"kind":       "ConfigMap",
					"metadata":   map[string]any{"name": "one", "namespace": "shop"},
					"data":       map[string]any{"a": "1"},
				},
				{
					"apiVersion": "v1",
					"kind":       "Secret",
					"metadata":   map[string]any{"name": "two", "namespace": "shop"},
					"stringData": map[string]any{"b": "2"},
				},
			},
		},
		{
			name:    "integers decode as int64",
			fixture: "multi.yaml",
			want: []map[string]any{
				{
					"apiVersion": "v1",
					"kind":       "Namespace",
					"metadata":   map[string]any{"name": "shop"},
				},
				{
					"apiVersion": "v1",
					"kind":       "ConfigMap",
					"metadata":   map[string]any{"name": "settings", "namespace": "shop"},
					"data":       map[string]any{"mode": "fast"},
				},
				{
					"apiVersion": "apps/v1",
					"kind":       "Deployment",
					"metadata":   map[string]any{"name": "web", "namespace": "shop"},
					"spec":       map[string]any{"replicas": int64(2)},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, data := readFixture(t, tt.fixture)
			objs, problems := decodeFile(name, data, tt.isJSON)
			if len(problems) > 0 {
				t.Fatalf("decodeFile problems: %v", problems)
			}
			var got []map[string]any
			for _, o := range objs {
				got = append(got, o.Object)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decodeFile content mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
