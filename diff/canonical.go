package diff

import (
	"reflect"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
)

// storedAlikeTyped compares the live and predicted objects in their typed
// form, the way the server stores them: both are converted into the kind's
// struct (which drops omitempty zero values such as hostNetwork: false and
// empty collections such as args: [] or nodeSelector: {}), server-owned
// fields are cleared, and the two are compared semantically (quantities by
// value, so 2000m equals 2 and 1024Mi equals 1Gi; empty and nil
// collections alike). ok is false for a kind the client does not know, or
// an object that does not convert; the caller then compares the
// unstructured forms. A Secret must come with its stringData folded into
// data (see Normalize), as the server folds it.
func storedAlikeTyped(gvk schema.GroupVersionKind, live, predicted map[string]any) (same, ok bool) {
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
