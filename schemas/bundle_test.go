package schemas

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// writeBundle returns b written as a bundle file.
func writeBundle(t *testing.T, b Bundle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// rawSchemas turns schema texts into raw messages.
func rawSchemas(texts map[string]string) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for name, text := range texts {
		out[name] = json.RawMessage(text)
	}
	return out
}

// stored returns schemas as a bundle stores them.
func stored(t *testing.T, schemas map[string]json.RawMessage) map[string]json.RawMessage {
	t.Helper()
	out := map[string]json.RawMessage{}
	for name, raw := range schemas {
		data, err := storedSchema(raw)
		if err != nil {
			t.Fatalf("storedSchema %s: %v", name, err)
		}
		out[name] = data
	}
	return out
}

func TestBundleRoundTrip(t *testing.T) {
	box := `{"type":"object","x-kubernetes-group-version-kind":[{"group":"example.com","version":"v1","kind":"Box"}]}`
	tests := []struct {
		name    string
		schemas map[string]string
		want    map[string]string // schemas as read back; nil: as stored
	}{
		{name: "one kind and a referenced schema", schemas: map[string]string{
			"com.example.v1.Box":  `{"type":"object","x-kubernetes-group-version-kind":[{"group":"example.com","version":"v1","kind":"Box"}],"properties":{"size":{"$ref":"#/components/schemas/com.example.v1.Size"}}}`,
			"com.example.v1.Size": `{"type":"integer","format":"int32"}`,
		}},
		{name: "the first schema by name wins a kind", schemas: map[string]string{
			"b.Box": box,
			"a.Box": box,
			"c.Box": box,
		}},
		{name: "a schema of several kinds", schemas: map[string]string{
			"io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions": `{"type":"object","x-kubernetes-group-version-kind":[{"group":"","version":"v1","kind":"DeleteOptions"},{"group":"apps","version":"v1","kind":"DeleteOptions"},{"group":"apps","version":"v1beta1","kind":"DeleteOptions"}]}`,
		}},
		{name: "names that are not file names", schemas: map[string]string{
			"index":          box,
			"../a/b c%20?.Ω": `{"type":"string"}`,
			"":               `{}`,
		}},
		{name: "formatting is normalized as encoding/json does", schemas: map[string]string{
			"x.Box": "{\n  \"type\": \"object\",\n  \"description\": \"<a> & \\u003cb\\u003e\",\n  \"x-kubernetes-group-version-kind\": [ {\"group\": \"x\", \"version\": \"v1\", \"kind\": \"Box\"} ]\n}\n",
		}, want: map[string]string{
			"x.Box": `{"type":"object","x-kubernetes-group-version-kind":[{"group":"x","kind":"Box","version":"v1"}]}`,
		}},
		{name: "descriptions are dropped, not properties named description", schemas: map[string]string{
			"x.Doc": `{"description":"a doc","type":"object","x-kubernetes-group-version-kind":[{"group":"x","version":"v1","kind":"Doc"}],` +
				`"properties":{"description":{"type":"string","description":"its text"},"tags":{"type":"array","items":{"description":"a tag","type":"string","enum":["description"]}},` +
				`"extra":{"additionalProperties":{"description":"x","type":"string"}},"choice":{"anyOf":[{"description":"y","type":"integer"}]},"ref":{"description":"z","allOf":[{"$ref":"#/components/schemas/x.Doc"}]}}}`,
		}, want: map[string]string{
			"x.Doc": `{"properties":{"choice":{"anyOf":[{"type":"integer"}]},"description":{"type":"string"},"extra":{"additionalProperties":{"type":"string"}},` +
				`"ref":{"allOf":[{"$ref":"#/components/schemas/x.Doc"}]},"tags":{"items":{"enum":["description"],"type":"string"},"type":"array"}},` +
				`"type":"object","x-kubernetes-group-version-kind":[{"group":"x","kind":"Doc","version":"v1"}]}`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Bundle{KubernetesVersion: "v1.99.1", Source: "a test", Schemas: rawSchemas(tt.schemas)}
			want := in
			want.Schemas = stored(t, in.Schemas)
			if tt.want != nil {
				want.Schemas = rawSchemas(tt.want)
			}
			data := writeBundle(t, in)
			got, err := ReadBundle(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatalf("ReadBundle: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ReadBundle (-want +got):\n%s", diff)
			}
			if again := writeBundle(t, got); !bytes.Equal(data, again) {
				t.Error("writing the bundle read back gives other bytes")
			}
			wantCat, err := FromOpenAPI(in.KubernetesVersion, want.Schemas)
			if err != nil {
				t.Fatal(err)
			}
			cat, err := openBundle(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatalf("openBundle: %v", err)
			}
			checkSameCatalog(t, wantCat, cat)
		})
	}
}

// checkSameCatalog checks that got has the version, kinds and schemas of
// want.
func checkSameCatalog(t *testing.T, want, got *Catalog) {
	t.Helper()
	if got.KubernetesVersion() != want.KubernetesVersion() {
		t.Errorf("KubernetesVersion() = %q, want %q", got.KubernetesVersion(), want.KubernetesVersion())
	}
	if diff := cmp.Diff(want.defs.byGVK, got.defs.byGVK); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	for name, raw := range want.defs.raw {
		g, err := got.defs.get(name)
		if err != nil || !bytes.Equal(g, raw) {
			t.Errorf("schema %s = %s, %v; want %s", name, g, err, raw)
		}
	}
	if g, err := got.defs.get("no.such.Schema"); g != nil || err != nil {
		t.Errorf("get of a missing schema = %s, %v; want nil, nil", g, err)
	}
}

// TestBundledFilesAreCanonical checks each embedded file against the
// schemas it holds: its entries are those Bundle.Write writes from them
// (compressed bytes aside, which depend on compress/flate), and the
// catalog opened lazily is the one FromOpenAPI builds from them.
func TestBundledFilesAreCanonical(t *testing.T) {
	for _, version := range BundledVersions() {
		t.Run(version, func(t *testing.T) {
			data, err := fs.ReadFile(bundledFS, "data/"+version+".zip")
			if err != nil {
				t.Fatal(err)
			}
			b, err := ReadBundle(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(b.KubernetesVersion, version+".") {
				t.Errorf("KubernetesVersion = %q, want a %s release", b.KubernetesVersion, version)
			}
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantEntries(t, b), entriesOf(t, zr)); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			want, err := FromOpenAPI(b.KubernetesVersion, b.Schemas)
			if err != nil {
				t.Fatal(err)
			}
			got, err := loadBundled(version)
			if err != nil {
				t.Fatal(err)
			}
			checkSameCatalog(t, want, got)
		})
	}
}

// entry is what TestBundledFilesAreCanonical compares of a zip entry.
type entry struct {
	Header  zip.FileHeader
	Content string
}

// wantEntries are the entries Bundle.Write writes for b, but for their
// method and compressed size.
func wantEntries(t *testing.T, b Bundle) []entry {
	t.Helper()
	index, err := b.index()
	if err != nil {
		t.Fatal(err)
	}
	out := []entry{{*entryHeader(bundleIndexName, index), string(index)}}
	names := slices.Sorted(maps.Keys(b.Schemas))
	for _, name := range names {
		data, err := storedSchema(b.Schemas[name])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{*entryHeader(schemaEntryName(name), data), string(data)})
	}
	for i := range out {
		out[i].Header.Method = 0
	}
	return out
}

// entriesOf reads the entries of zr, with the fields wantEntries leaves
// out cleared.
func entriesOf(t *testing.T, zr *zip.Reader) []entry {
	t.Helper()
	var out []entry
	for _, f := range zr.File {
		data, err := readEntry(f)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if f.Method != zip.Deflate && f.Method != zip.Store {
			t.Errorf("%s: method %d, want Deflate or Store", f.Name, f.Method)
		}
		h := f.FileHeader
		h.Method, h.CompressedSize, h.CompressedSize64, h.UncompressedSize = 0, 0, 0, 0
		h.Modified = time.Time{} // ModifiedDate and ModifiedTime are compared
		if len(h.Extra) == 0 {
			h.Extra = nil
		}
		out = append(out, entry{h, string(data)})
	}
	return out
}

func TestBundleWriteWithoutKinds(t *testing.T) {
	b := Bundle{KubernetesVersion: "v1.99.0", Schemas: rawSchemas(map[string]string{"a.B": `{"type":"string"}`})}
	_, want := FromOpenAPI(b.KubernetesVersion, b.Schemas)
	if err := b.Write(&bytes.Buffer{}); err == nil || err.Error() != want.Error() {
		t.Errorf("Write error = %v, want %v", err, want)
	}
}

// zipOf writes a zip archive of the given entries, in order.
func zipOf(t *testing.T, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err == nil {
			_, err = w.Write([]byte(e[1]))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpenBundleErrors(t *testing.T) {
	index := `{"kubernetesVersion":"v1.99.0","kinds":[{"group":"x","version":"v1","kind":"Box","schema":"x.Box"}]}`
	box := [2]string{"schemas/x.Box.json", `{"type":"object"}`}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip archive", []byte(`{"schemas":{}}`), "read bundle: zip: not a valid zip file"},
		{"no entries", zipOf(t), "read bundle: the first entry is not index.json"},
		{"index not first", zipOf(t, box, [2]string{"index.json", index}), "read bundle: the first entry is not index.json"},
		{"index not JSON", zipOf(t, [2]string{"index.json", "{"}, box), "read bundle index.json: unexpected end of JSON input"},
		{"unexpected entry", zipOf(t, [2]string{"index.json", index}, box, [2]string{"README", "hi"}), `read bundle: unexpected entry "README"`},
		{"kind of a missing schema", zipOf(t, [2]string{"index.json", index}), "bundle index names schema x.Box, which it does not hold"},
		{"no kinds", zipOf(t, [2]string{"index.json", `{"kinds":[]}`}, box), "bundle index lists no kinds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openBundle(bytes.NewReader(tt.data), int64(len(tt.data)))
			if err == nil || err.Error() != tt.want {
				t.Errorf("openBundle error = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestBundleCorruptSchema checks that a schema whose bytes were damaged is
// an error when it is first needed, not a schema.
func TestBundleCorruptSchema(t *testing.T) {
	text := `{"type":"object","description":"` + strings.Repeat("a box ", 20) + `","x-kubernetes-group-version-kind":[{"group":"x","version":"v1","kind":"Box"}]}`
	data := writeBundle(t, Bundle{KubernetesVersion: "v1.99.0", Schemas: rawSchemas(map[string]string{"x.Box": text})})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	off, err := zr.File[1].DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	data[off+5] ^= 0xff
	cat, err := openBundle(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("openBundle: %v", err)
	}
	_, err = cat.schemaFor(schema.GroupVersionKind{Group: "x", Version: "v1", Kind: "Box"})
	if err == nil || !strings.Contains(err.Error(), "read schema x.Box: ") {
		t.Errorf("schemaFor error = %v, want one reading schema x.Box", err)
	}
}

// TestBundleConcurrentGet reads the schemas of a cold bundle from many
// goroutines, as the compilers of catalogs that share them do; run it with
// -race.
func TestBundleConcurrentGet(t *testing.T) {
	cat, err := loadBundled("v1.36")
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"io.k8s.api.core.v1.PodSpec", "io.k8s.api.apps.v1.Deployment", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "io.k8s.api.core.v1.Container"}
	got := make([][]json.RawMessage, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			for j := range names {
				raw, err := cat.defs.get(names[(i+j)%len(names)])
				if err != nil || raw == nil {
					t.Errorf("get %s = %v", names[(i+j)%len(names)], err)
				}
				got[i] = append(got[i], raw)
			}
		})
	}
	wg.Wait()
	for i := range got {
		for j := range names {
			if !bytes.Equal(got[i][j], got[0][(i+j)%len(names)]) {
				t.Errorf("goroutines read different bytes for %s", names[(i+j)%len(names)])
			}
		}
	}
}

// TestLiveCache checks that a cluster's schemas cached as a bundle give
// back the catalog FromOpenAPI builds from them.
func TestLiveCache(t *testing.T) {
	b := Bundle{KubernetesVersion: "v1.99.2", Source: "a test", Schemas: rawSchemas(map[string]string{
		"com.example.v1.Box": `{"type":"object","x-kubernetes-group-version-kind":[{"group":"example.com","version":"v1","kind":"Box"}],` +
			`"properties":{"apiVersion":{"type":"string"},"kind":{"type":"string"},"metadata":{"type":"object"},"size":{"type":"integer"}}}`,
	})}
	path := filepath.Join(t.TempDir(), "converge", "schemas", "v1.99.2-0123456789abcdef.zip")
	if err := writeCache(path, b); err != nil {
		t.Fatalf("writeCache: %v", err)
	}
	got, err := readCache(path)
	if err != nil {
		t.Fatalf("readCache: %v", err)
	}
	want, err := FromOpenAPI(b.KubernetesVersion, stored(t, b.Schemas))
	if err != nil {
		t.Fatal(err)
	}
	checkSameCatalog(t, want, got)
	set := loadYAML(t, "apiVersion: example.com/v1\nkind: Box\nmetadata: {name: b}\nsize: big\n")
	res := got.Validate(context.Background(), set, Options{Strict: true})
	if diff := cmp.Diff([]finding{{"size", `must be integer, got string "big"`}}, findings(res.Problems)); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
}
