package manifests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecodeFile feeds arbitrary bytes to the YAML and JSON loader. It must
// never panic, and every problem must point inside the file.
func FuzzDecodeFile(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data, strings.HasSuffix(s, ".json"))
		}
	}
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- 1\n- {kind: X}\n"), false)
	f.Add([]byte("a: {{ .x }}\n---\n\tb: 1\n"), false)
	f.Add([]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":1}}`), true)
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		objs, problems := decodeFile("fuzz.yaml", data, isJSON)
		lines := strings.Count(string(data), "\n") + 1
		for _, p := range problems {
			if p.Origin.Line > lines+1 || p.Origin.Line < 0 || p.Message == "" {
				t.Fatalf("problem out of range (file has %d lines): %+v", lines, p)
			}
		}
		for _, o := range objs {
			if o.GetKind() == "" || o.GetAPIVersion() == "" {
				t.Fatalf("object without kind or apiVersion: %v", o.Object)
			}
		}
	})
}
