package kube

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// MetadataObject turns an item of a metadata LIST into an object that holds
// apiVersion, kind and the item's metadata (no managedFields).
func MetadataObject(gvk schema.GroupVersionKind, item *metav1.PartialObjectMetadata) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetGroupVersionKind(gvk)
	u.SetName(item.Name)
	u.SetNamespace(item.Namespace)
	u.SetUID(item.UID)
	u.SetResourceVersion(item.ResourceVersion)
	u.SetGeneration(item.Generation)
	u.SetLabels(item.Labels)
	u.SetAnnotations(item.Annotations)
	u.SetFinalizers(item.Finalizers)
	u.SetOwnerReferences(item.OwnerReferences)
	u.SetDeletionTimestamp(item.DeletionTimestamp)
	return u
}
