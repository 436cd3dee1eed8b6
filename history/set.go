package history

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// recorded is one object of a stored set: where it was read from, and the
// object exactly as applied. A stored set is these, one JSON line each,
// gzip-compressed.
type recorded struct {
	File   string          `json:"file,omitempty"`
	Doc    int             `json:"doc,omitempty"`
	Line   int             `json:"line,omitempty"`
	Object json.RawMessage `json:"object"`
}

// Digest is the SHA-256, in hex, of the objects of set (not of where they
// were read from): two applies of the same objects have the same digest.
func Digest(set manifests.Set) (string, error) {
	h := sha256.New()
	for _, o := range set.Objects {
		b, err := json.Marshal(o.Object)
		if err != nil {
			return "", fmt.Errorf("%s: encode: %w", o.Origin, err)
		}
		h.Write(b)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// encodeSet compresses set for storage and returns it with its Digest.
func encodeSet(set manifests.Set) (data []byte, digest string, err error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	h := sha256.New()
	enc := json.NewEncoder(zw)
	for _, o := range set.Objects {
		b, err := json.Marshal(o.Object)
		if err != nil {
			return nil, "", fmt.Errorf("%s: encode: %w", o.Origin, err)
		}
		h.Write(b)
		h.Write([]byte{'\n'})
		if err := enc.Encode(recorded{File: o.Origin.File, Doc: o.Origin.Doc, Line: o.Origin.Line, Object: b}); err != nil {
			return nil, "", fmt.Errorf("%s: compress: %w", o.Origin, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, "", fmt.Errorf("compress the set: %w", err)
	}
	return buf.Bytes(), hex.EncodeToString(h.Sum(nil)), nil
}

// maxDecoded bounds a stored set once decompressed, so a damaged or
// hostile revision cannot exhaust memory.
const maxDecoded = 1 << 30

// decodeSet reads a stored set back, checking it against digest before
// it decodes any object. Its errors never quote the set: it may hold
// Secrets.
func decodeSet(data []byte, digest string) ([]manifests.Object, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReader(io.LimitReader(zr, maxDecoded)))
	h := sha256.New()
	var recs []recorded
	for {
		var r recorded
		if err := dec.Decode(&r); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("object %d of the stored set is malformed: a part is missing or damaged", len(recs)+1)
		}
		h.Write(r.Object)
		h.Write([]byte{'\n'})
		recs = append(recs, r)
	}
	if got := hex.EncodeToString(h.Sum(nil)); digest != "" && got != digest {
		return nil, fmt.Errorf("the stored set does not match its digest (%.12s, want %.12s): a part is missing or damaged", got, digest)
	}
	objs := make([]manifests.Object, len(recs))
	for i, r := range recs {
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(r.Object); err != nil {
			return nil, fmt.Errorf("object %d of the stored set (%s) is not a Kubernetes object", i+1, manifests.Origin{File: r.File, Line: r.Line})
		}
		objs[i] = manifests.Object{Unstructured: u, Origin: manifests.Origin{File: r.File, Doc: r.Doc, Line: r.Line}}
	}
	return objs, nil
}

// split cuts data into chunks of at most size bytes; empty data is one
// empty chunk.
func split(data []byte, size int) [][]byte {
	if len(data) == 0 {
		return [][]byte{{}}
	}
	var out [][]byte
	for len(data) > size {
		out = append(out, data[:size])
		data = data[size:]
	}
	return append(out, data)
}
