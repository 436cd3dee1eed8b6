package diff

import (
	"bytes"
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// LastAppliedAnnotation is the annotation kubectl and converge store the
// applied configuration in.
const LastAppliedAnnotation = corev1.LastAppliedConfigAnnotation

// modifiedConfiguration serialises obj the way kubectl's
// GetModifiedConfiguration does: the object without the last-applied
// annotation (annotations present, possibly empty) and, with annotate, that
// serialisation stored in the annotation and the object serialised again.
// obj is not changed.
func modifiedConfiguration(obj *unstructured.Unstructured, annotate bool) ([]byte, error) {
	c := obj.DeepCopy()
	annots := c.GetAnnotations()
	if annots == nil {
		annots = map[string]string{}
	}
	delete(annots, LastAppliedAnnotation)
	c.SetAnnotations(annots) // an empty map is kept, as kubectl keeps "annotations": {}
	plain, err := encode(c.Object)
	if err != nil || !annotate {
		return plain, err
	}
	annots[LastAppliedAnnotation] = string(plain)
	c.SetAnnotations(annots)
	return encode(c.Object)
}

// encode matches unstructured.UnstructuredJSONScheme: sorted keys, no HTML
// escaping differences, and a trailing newline.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// withLastApplied returns a copy of obj carrying its own configuration in
// the last-applied annotation, as kubectl creates objects.
func withLastApplied(obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	plain, err := modifiedConfiguration(obj, false)
	if err != nil {
		return nil, err
	}
	c := obj.DeepCopy()
	annots := c.GetAnnotations()
	if annots == nil {
		annots = map[string]string{}
	}
	annots[LastAppliedAnnotation] = string(plain)
	c.SetAnnotations(annots)
	return c, nil
}

// originalConfiguration returns the last-applied annotation of live, or nil.
func originalConfiguration(live *unstructured.Unstructured) []byte {
	if v, ok := live.GetAnnotations()[LastAppliedAnnotation]; ok {
		return []byte(v)
	}
	return nil
}
