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
	if annotate {
		return setLastApplied(c)
	}
	_, plain, err := stripLastApplied(c)
	return plain, err
}

// stripLastApplied removes, in place, the last-applied annotation of obj,
// keeping an empty annotations map as kubectl keeps "annotations": {}, and
// returns the annotations left and obj serialised.
func stripLastApplied(obj *unstructured.Unstructured) (map[string]string, []byte, error) {
	annots := obj.GetAnnotations()
	if annots == nil {
		annots = map[string]string{}
	}
	delete(annots, LastAppliedAnnotation)
	obj.SetAnnotations(annots)
	plain, err := encode(obj.Object)
	return annots, plain, err
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
	c := obj.DeepCopy()
	_, err := setLastApplied(c)
	return c, err
}

// setLastApplied gives obj, in place, the last-applied annotation kubectl
// would give it, and returns kubectl's modified configuration: obj
// serialised with that annotation.
func setLastApplied(obj *unstructured.Unstructured) ([]byte, error) {
	if err := annotateLastApplied(obj); err != nil {
		return nil, err
	}
	return encode(obj.Object)
}

// annotateLastApplied gives obj, in place, the last-applied annotation
// kubectl would give it.
func annotateLastApplied(obj *unstructured.Unstructured) error {
	annots, plain, err := stripLastApplied(obj)
	if err != nil {
		return err
	}
	annots[LastAppliedAnnotation] = string(plain)
	obj.SetAnnotations(annots)
	return nil
}

// originalConfiguration returns the last-applied annotation of live, or nil.
func originalConfiguration(live *unstructured.Unstructured) []byte {
	if v, ok := live.GetAnnotations()[LastAppliedAnnotation]; ok {
		return []byte(v)
	}
	return nil
}

// dropNullFields removes, in place, every field whose value is null, at any
// depth, as kubectl does to the object it creates; null list items stay.
// The last-applied annotation keeps the nulls (a null in the three-way
// patch deletes the field), so it is computed first.
func dropNullFields(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
				continue
			}
			dropNullFields(e)
		}
	case []any:
		for _, e := range x {
			dropNullFields(e)
		}
	}
}
