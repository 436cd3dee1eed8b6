package diff

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// entry is a managedFields item as the server returns it.
func entry(manager string, op metav1.ManagedFieldsOperationType, fields string) any {
	var f map[string]any
	if err := json.Unmarshal([]byte(fields), &f); err != nil {
		panic(err)
	}
	return map[string]any{"manager": manager, "operation": string(op), "apiVersion": "apps/v1", "fieldsType": "FieldsV1", "fieldsV1": f}
}

func TestAfterMigration(t *testing.T) {
	result := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web"},
		"spec": map[string]any{
			"replicas": int64(3),
			"template": map[string]any{"spec": map[string]any{"containers": []any{
				map[string]any{"name": "web", "image": "web:2", "env": []any{
					map[string]any{"name": "KEEP", "value": "1"},
					map[string]any{"name": "DROP", "value": "2"},
				}},
			}}},
		},
	}}
	_ = unstructured.SetNestedSlice(result.Object, []any{
		entry("kubectl-client-side-apply", metav1.ManagedFieldsOperationUpdate,
			`{"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{},"f:env":{"k:{\"name\":\"KEEP\"}":{".":{},"f:name":{},"f:value":{}},"k:{\"name\":\"DROP\"}":{".":{},"f:name":{},"f:value":{}}}}}}}}}`),
		entry("converge", metav1.ManagedFieldsOperationApply,
			`{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{},"f:env":{"k:{\"name\":\"KEEP\"}":{".":{},"f:name":{},"f:value":{}}}}}}}}}`),
		entry("hpa", metav1.ManagedFieldsOperationUpdate, `{"f:spec":{"f:replicas":{}}}`),
	}, "metadata", "managedFields")
	got := afterMigration(result, map[string]bool{"kubectl-client-side-apply": true}, "converge")
	env, _, _ := unstructured.NestedSlice(got.Object, "spec", "template", "spec", "containers")
	wantEnv := []any{map[string]any{"name": "web", "image": "web:2", "env": []any{
		map[string]any{"name": "KEEP", "value": "1"},
	}}}
	if d := cmp.Diff(wantEnv, env); d != "" {
		t.Errorf("containers (-want +got):\n%s", d)
	}
	if r, _, _ := unstructured.NestedInt64(got.Object, "spec", "replicas"); r != 3 {
		t.Errorf("replicas, owned by another manager too, = %d, want 3", r)
	}
	if _, found, _ := unstructured.NestedSlice(result.Object, "spec", "template", "spec", "containers"); !found {
		t.Error("the server's result was changed in place")
	}
}
