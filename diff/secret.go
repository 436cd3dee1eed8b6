package diff

import (
	"encoding/base64"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// foldStringData moves a Secret's stringData into data, base64-encoded, as
// the API server does on write, so a Secret written with stringData does
// not show a diff forever.
func foldStringData(u *unstructured.Unstructured) {
	sd, found, _ := unstructured.NestedMap(u.Object, "stringData")
	if !found || len(sd) == 0 {
		unstructured.RemoveNestedField(u.Object, "stringData")
		return
	}
	data, _, _ := unstructured.NestedMap(u.Object, "data")
	if data == nil {
		data = map[string]any{}
	}
	for k, v := range sd {
		if s, ok := v.(string); ok {
			data[k] = base64.StdEncoding.EncodeToString([]byte(s))
		}
	}
	unstructured.RemoveNestedField(u.Object, "stringData")
	_ = unstructured.SetNestedMap(u.Object, data, "data")
}

// Masker is the one place secret values are redacted. Every output of a
// diff (text, JSON, Markdown, external differ) and every error goes through
// it: a Secret's data values become "<secret: N bytes>" placeholders, with
// "changed" on the new side when the value differs, so a reader learns which
// keys were added, removed or changed, and nothing about the values: no
// value, hash or base64.
type Masker struct{}

// Mask returns redacted copies of a Secret's old and new versions; other
// objects are returned as they are. Either may be nil.
func (Masker) Mask(before, after *unstructured.Unstructured) (*unstructured.Unstructured, *unstructured.Unstructured) {
	secret := (before != nil && isSecret(before)) || (after != nil && isSecret(after))
	if !secret {
		return before, after
	}
	b, a := maskedCopy(before), maskedCopy(after)
	oldData, newData := secretData(before), secretData(after)
	for k, nv := range newData {
		if ov, ok := oldData[k]; ok && ov != nv {
			_ = unstructured.SetNestedField(a.Object, placeholder(nv, true), "data", k)
		}
	}
	return b, a
}

func maskedCopy(u *unstructured.Unstructured) *unstructured.Unstructured {
	if u == nil {
		return nil
	}
	c := u.DeepCopy()
	for _, field := range []string{"data", "stringData"} {
		m, found, _ := unstructured.NestedMap(c.Object, field)
		if !found {
			continue
		}
		for k, v := range m {
			s, _ := v.(string)
			if field == "data" {
				m[k] = placeholder(s, false)
			} else {
				m[k] = fmt.Sprintf("<secret: %d bytes>", len(s))
			}
		}
		_ = unstructured.SetNestedMap(c.Object, m, field)
	}
	if annots := c.GetAnnotations(); annots != nil {
		if _, ok := annots[LastAppliedAnnotation]; ok {
			// It holds the Secret's plaintext data.
			annots[LastAppliedAnnotation] = "<redacted: holds secret data>"
			c.SetAnnotations(annots)
		}
	}
	return c
}

// placeholder describes a base64 data value by its decoded length.
func placeholder(b64 string, changed bool) string {
	n := base64.StdEncoding.DecodedLen(len(b64))
	if raw, err := base64.StdEncoding.DecodeString(b64); err == nil {
		n = len(raw)
	}
	if changed {
		return fmt.Sprintf("<secret: %d bytes, changed>", n)
	}
	return fmt.Sprintf("<secret: %d bytes>", n)
}

func secretData(u *unstructured.Unstructured) map[string]string {
	out := map[string]string{}
	if u == nil {
		return out
	}
	m, _, _ := unstructured.NestedMap(u.Object, "data")
	for k, v := range m {
		out[k], _ = v.(string)
	}
	return out
}

// keysOnly leaves, of a masked Secret that is to be deleted, only the names
// of its keys; other objects are returned as they are.
func keysOnly(u *unstructured.Unstructured) *unstructured.Unstructured {
	if u == nil || !isSecret(u) {
		return u
	}
	for _, field := range []string{"data", "stringData"} {
		m, found, _ := unstructured.NestedMap(u.Object, field)
		if !found {
			continue
		}
		for k := range m {
			m[k] = "<secret>"
		}
		_ = unstructured.SetNestedMap(u.Object, m, field)
	}
	return u
}
