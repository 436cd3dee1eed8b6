package diff

import (
	"reflect"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
)

// canonical returns obj in the form the API server stores it in, as far as
// that is certain without asking the server. For a kind the client knows,
// a round trip through its typed struct drops what the server drops when it
// decodes the object (omitempty zero values such as hostNetwork: false,
// empty and null collections such as args: [] or nodeSelector: {}) and
// writes every quantity in its canonical form (2000m becomes 2, 1024Mi
// becomes 1Gi). A kind the client does not know, or an object that does not
// convert, is returned as it is: the server decides those.
//
// The round trip also adds zero values of fields without omitempty (such as
// creationTimestamp: null), so only canonical forms may be compared with
// each other.
func canonical(obj *unstructured.Unstructured) *unstructured.Unstructured {
	if obj == nil {
		return nil
	}
	typed, err := scheme.Scheme.New(obj.GroupVersionKind())
	if err != nil {
		return obj
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, typed); err != nil {
		return obj
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typed)
	if err != nil {
		return obj
	}
	return &unstructured.Unstructured{Object: m}
}

// sameStored reports whether a and b, both already normalised, are the
// same once both are in canonical form: whether the server stores them
// alike.
func sameStored(a, b *unstructured.Unstructured) bool {
	if reflect.DeepEqual(a.Object, b.Object) {
		return true
	}
	return reflect.DeepEqual(canonical(a).Object, canonical(b).Object)
}
