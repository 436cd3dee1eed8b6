package kube

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
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

// List reads the objects of a resource in a namespace ("" for a
// cluster-scoped resource, or all namespaces): whole, or only their
// metadata (see MetadataObject). Each carries apiVersion and kind, which
// the items of a LIST lack.
func (c *Clients) List(ctx context.Context, m *meta.RESTMapping, ns string, opts metav1.ListOptions, whole bool) ([]*unstructured.Unstructured, error) {
	gvk := m.GroupVersionKind
	if whole {
		list, err := c.Dynamic.Resource(m.Resource).Namespace(ns).List(ctx, opts)
		if err != nil {
			return nil, err
		}
		out := make([]*unstructured.Unstructured, len(list.Items))
		for i := range list.Items {
			out[i] = &list.Items[i]
			out[i].SetGroupVersionKind(gvk)
		}
		return out, nil
	}
	list, err := c.Metadata.Resource(m.Resource).Namespace(ns).List(ctx, opts)
	if err != nil {
		return nil, err
	}
	out := make([]*unstructured.Unstructured, len(list.Items))
	for i := range list.Items {
		out[i] = MetadataObject(gvk, &list.Items[i])
	}
	return out, nil
}
