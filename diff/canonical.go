package diff

import (
	"reflect"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
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

// storedAlikeTyped compares the live and predicted objects in their typed
// form, the way the server stores them: both are converted into the kind's
// struct (which drops empty and zero fields), server-owned fields are
// cleared, and the two are compared semantically (quantities by value,
// empty and nil collections alike). ok is false for a kind the client does
// not know, a Secret (whose stringData the server folds), or an object
// that does not convert; the caller then compares the unstructured forms.
func storedAlikeTyped(gvk schema.GroupVersionKind, live, predicted map[string]any) (same, ok bool) {
	if gvk.Group == "" && gvk.Kind == "Secret" {
		return false, false
	}
	a, err := scheme.Scheme.New(gvk)
	if err != nil {
		return false, false
	}
	b := a.DeepCopyObject()
	conv := runtime.DefaultUnstructuredConverter
	if conv.FromUnstructured(live, a) != nil || conv.FromUnstructured(predicted, b) != nil {
		return false, false
	}
	if !clearServerOwned(a) || !clearServerOwned(b) {
		return false, false
	}
	return equality.Semantic.DeepEqual(a, b), true
}

// clearServerOwned zeroes what Normalize removes: the server's metadata
// fields and status. It reports false for an object without metadata.
func clearServerOwned(obj runtime.Object) bool {
	m, err := meta.Accessor(obj)
	if err != nil {
		return false
	}
	m.SetManagedFields(nil)
	m.SetResourceVersion("")
	m.SetGeneration(0)
	m.SetUID("")
	m.SetCreationTimestamp(metav1.Time{})
	if v := reflect.ValueOf(obj); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if status := v.Elem().FieldByName("Status"); status.IsValid() && status.CanSet() {
			status.SetZero()
		}
	}
	return true
}
