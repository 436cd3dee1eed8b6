package schemas

import (
	"archive/zip"
	"bytes"
	"cmp"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A bundle file is a zip archive, so any zip tool can list and extract it:
//
//   - bundleIndexName, always the first entry, holds a bundleIndex: the
//     Kubernetes version, where the schemas come from, and every kind's
//     schema name, so a catalog is ready without reading any schema;
//   - bundleSchemaDir + NAME + ".json", in name order, holds the compact
//     JSON of component schema NAME (path-escaped), Deflate-compressed on
//     its own so that it is inflated only when a kind that uses it is first
//     validated.
//
// Entries carry a fixed time and no extra fields, so equal bundles are
// equal bytes (with one compress/flate).
const (
	bundleIndexName = "index.json"
	bundleSchemaDir = "schemas/"
)

// bundleDate and bundleTime are the MS-DOS date and time of every entry:
// 1980-01-01 00:00.
const bundleDate, bundleTime = 1<<5 | 1, 0

// Bundle is what a bundle file holds: every component schema of one
// Kubernetes API server, by name. The gen command writes the bundled files
// in data/ with [Bundle.Write]; a cluster's schemas are cached in the same
// format.
type Bundle struct {
	// KubernetesVersion is the version of the API server, such as "v1.36.3".
	KubernetesVersion string
	// Source says where the schemas come from.
	Source string
	// Schemas are the component schemas, merged from every /openapi/v3
	// document, by name.
	Schemas map[string]json.RawMessage
}

// bundleIndex is the first entry of a bundle file.
type bundleIndex struct {
	KubernetesVersion string       `json:"kubernetesVersion"`
	Source            string       `json:"source"`
	Kinds             []bundleKind `json:"kinds"`
}

// bundleKind names the schema of one kind: the one [FromOpenAPI] would
// pick.
type bundleKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
	Schema  string `json:"schema"`
}

// Write writes b as a bundle file. Schemas are stored compact, keys
// sorted, with <, > and & escaped as encoding/json does, so equal schemas
// give equal bytes however their source was formatted, and without their
// descriptions, which converge never shows: they are three quarters of the
// bytes a run would inflate and parse. It fails when no schema declares a
// kind, as [FromOpenAPI] does.
func (b Bundle) Write(w io.Writer) error {
	index, err := b.index()
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	if err := writeEntry(zw, bundleIndexName, index); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(b.Schemas)) {
		data, err := storedSchema(b.Schemas[name])
		if err != nil {
			return fmt.Errorf("encode schema %s: %w", name, err)
		}
		if err := writeEntry(zw, schemaEntryName(name), data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	return nil
}

// index returns the JSON of b's bundleIndex, kinds sorted.
func (b Bundle) index() ([]byte, error) {
	byGVK, err := kindIndex(b.Schemas)
	if err != nil {
		return nil, err
	}
	index := bundleIndex{KubernetesVersion: b.KubernetesVersion, Source: b.Source, Kinds: make([]bundleKind, 0, len(byGVK))}
	for gvk, name := range byGVK {
		index.Kinds = append(index.Kinds, bundleKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind, Schema: name})
	}
	slices.SortFunc(index.Kinds, func(a, b bundleKind) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Kind, b.Kind))
	})
	data, err := json.Marshal(index)
	if err != nil {
		return nil, fmt.Errorf("encode bundle index: %w", err)
	}
	return data, nil
}

// writeEntry adds data as entry name, deflated unless that makes it
// larger.
func writeEntry(zw *zip.Writer, name string, data []byte) error {
	fh := entryHeader(name, data)
	body, err := deflate(data)
	if err == nil && len(body) >= len(data) {
		fh.Method, body = zip.Store, data
	}
	var ew io.Writer
	if err == nil {
		fh.CompressedSize64 = uint64(len(body))
		ew, err = zw.CreateRaw(fh)
	}
	if err == nil {
		_, err = ew.Write(body)
	}
	if err != nil {
		return fmt.Errorf("write bundle entry %s: %w", name, err)
	}
	return nil
}

// deflate compresses data as tightly as compress/flate can.
func deflate(data []byte) ([]byte, error) {
	var out bytes.Buffer
	fw, err := flate.NewWriter(&out, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(data); err != nil {
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// schemaEntryName is the name of the entry of the schema named name.
func schemaEntryName(name string) string {
	return bundleSchemaDir + url.PathEscape(name) + ".json"
}

// entryHeader is the header of entry name, which holds data, deflated.
func entryHeader(name string, data []byte) *zip.FileHeader {
	return &zip.FileHeader{
		Name: name, Method: zip.Deflate, CreatorVersion: 20, ReaderVersion: 20,
		ModifiedDate: bundleDate, ModifiedTime: bundleTime,
		CRC32: crc32.ChecksumIEEE(data), UncompressedSize64: uint64(len(data)),
	}
}

// ReadBundle reads a whole bundle file, every schema inflated.
func ReadBundle(r io.ReaderAt, size int64) (Bundle, error) {
	index, packed, err := openBundleFile(r, size)
	if err != nil {
		return Bundle{}, err
	}
	b := Bundle{KubernetesVersion: index.KubernetesVersion, Source: index.Source, Schemas: make(map[string]json.RawMessage, len(packed))}
	for name, f := range packed {
		if b.Schemas[name], err = readEntry(f); err != nil {
			return Bundle{}, fmt.Errorf("read schema %s: %w", name, err)
		}
	}
	return b, nil
}

// openBundle returns the catalog of a bundle file, which reads its schemas
// from r as they are first needed: r must stay readable while the catalog
// is in use.
func openBundle(r io.ReaderAt, size int64) (*Catalog, error) {
	index, packed, err := openBundleFile(r, size)
	if err != nil {
		return nil, err
	}
	defs := &definitions{byGVK: make(map[schema.GroupVersionKind]string, len(index.Kinds)), packed: packed, raw: map[string]json.RawMessage{}}
	for _, k := range index.Kinds {
		if _, ok := packed[k.Schema]; !ok {
			return nil, fmt.Errorf("bundle index names schema %s, which it does not hold", k.Schema)
		}
		defs.byGVK[schema.GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind}] = k.Schema
	}
	if len(defs.byGVK) == 0 {
		return nil, errors.New("bundle index lists no kinds")
	}
	return newCatalog(index.KubernetesVersion, defs, nil, nil), nil
}

// openBundleFile reads a bundle's zip directory and index, and returns the
// index and each schema's entry by schema name.
func openBundleFile(r io.ReaderAt, size int64) (bundleIndex, map[string]*zip.File, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return bundleIndex{}, nil, fmt.Errorf("read bundle: %w", err)
	}
	if len(zr.File) == 0 || zr.File[0].Name != bundleIndexName {
		return bundleIndex{}, nil, fmt.Errorf("read bundle: the first entry is not %s", bundleIndexName)
	}
	var index bundleIndex
	data, err := readEntry(zr.File[0])
	if err == nil {
		err = json.Unmarshal(data, &index)
	}
	if err != nil {
		return bundleIndex{}, nil, fmt.Errorf("read bundle %s: %w", bundleIndexName, err)
	}
	packed := make(map[string]*zip.File, len(zr.File)-1)
	for _, f := range zr.File[1:] {
		escaped, ok := strings.CutPrefix(f.Name, bundleSchemaDir)
		escaped, suffix := strings.CutSuffix(escaped, ".json")
		name, err := url.PathUnescape(escaped)
		if !ok || !suffix || err != nil {
			return bundleIndex{}, nil, fmt.Errorf("read bundle: unexpected entry %q", f.Name)
		}
		packed[name] = f
	}
	return index, packed, nil
}

// readEntry inflates one entry and checks its CRC-32.
func readEntry(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// ReadFrom reads on to EOF, where the CRC-32 is checked; it needs
	// bytes.MinRead bytes of room beyond the content not to grow buf.
	var buf bytes.Buffer
	buf.Grow(int(min(f.UncompressedSize64, 64<<20)) + bytes.MinRead)
	if _, err := buf.ReadFrom(rc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// storedSchema is raw as a bundle stores it: without descriptions, compact.
func storedSchema(raw json.RawMessage) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return json.Marshal(dropDescriptions(doc))
}

// dropDescriptions removes the description of a schema and of the schemas
// within it. A property named "description" stays.
func dropDescriptions(v any) any {
	node, ok := v.(map[string]any)
	if !ok {
		return v
	}
	delete(node, "description")
	for _, kw := range []string{"items", "additionalProperties", "not"} {
		if sub, ok := node[kw]; ok {
			node[kw] = dropDescriptions(sub)
		}
	}
	for _, kw := range []string{"properties", "patternProperties"} {
		if props, ok := node[kw].(map[string]any); ok {
			for name, sub := range props {
				props[name] = dropDescriptions(sub)
			}
		}
	}
	for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := node[kw].([]any); ok {
			for i, sub := range list {
				list[i] = dropDescriptions(sub)
			}
		}
	}
	return node
}
