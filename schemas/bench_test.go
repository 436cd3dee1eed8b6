package schemas

import (
	"context"
	"fmt"
	"testing"

	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// benchObject makes object i of a generated set: Deployments, Services
// and ConfigMaps in turn, shaped as manifests.Load returns them (JSON
// numbers as int64).
func benchObject(i int) map[string]any {
	name := fmt.Sprintf("app-%d", i)
	meta := map[string]any{"name": name, "namespace": "bench", "labels": map[string]any{"app": name, "tier": "web"}}
	switch i % 3 {
	case 0:
		return map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": map[string]any{
			"replicas": int64(2),
			"selector": map[string]any{"matchLabels": map[string]any{"app": name}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": name}},
				"spec": map[string]any{"containers": []any{map[string]any{
					"name": "web", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent",
					"ports":          []any{map[string]any{"name": "http", "containerPort": int64(8080), "protocol": "TCP"}},
					"env":            []any{map[string]any{"name": "MODE", "value": "prod"}},
					"resources":      map[string]any{"limits": map[string]any{"cpu": "500m", "memory": "256Mi"}, "requests": map[string]any{"cpu": 0.1}},
					"readinessProbe": map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": "http"}, "periodSeconds": int64(10)},
				}}},
			},
		}}
	case 1:
		return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": map[string]any{
			"selector": map[string]any{"app": name},
			"ports":    []any{map[string]any{"name": "http", "port": int64(80), "targetPort": int64(8080), "protocol": "TCP"}},
		}}
	}
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": map[string]any{"a": "1", "b": "two"}}
}

func benchSet(n int) manifests.Set {
	set := manifests.Set{Objects: make([]manifests.Object, n)}
	for i := range n {
		set.Objects[i] = manifests.Object{Unstructured: &unstructured.Unstructured{Object: benchObject(i)}, Origin: manifests.Origin{File: "bench.yaml", Doc: i, Line: 1}}
	}
	return set
}

// BenchmarkValidate10000 validates 10,000 generated objects per iteration,
// with warm schemas, and reports objects per second.
func BenchmarkValidate10000(b *testing.B) {
	cat, err := Bundled("")
	if err != nil {
		b.Fatal(err)
	}
	set := benchSet(10000)
	ctx := context.Background()
	if res := cat.Validate(ctx, set, Options{Strict: true}); len(res.Problems) > 0 {
		b.Fatalf("generated objects are invalid: %v", res.Problems[0])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cat.Validate(ctx, set, Options{Strict: true})
	}
	b.ReportMetric(float64(b.N)*10000/b.Elapsed().Seconds(), "objects/s")
}

// BenchmarkColdStart measures what one CLI run pays before the first
// object is checked: reading a bundled file and compiling the schemas of
// Deployment, Service and ConfigMap.
func BenchmarkColdStart(b *testing.B) {
	set := benchSet(3)
	b.ReportAllocs()
	for b.Loop() {
		cat, err := loadBundled("v1.36")
		if err != nil {
			b.Fatal(err)
		}
		cat.Validate(context.Background(), set, Options{Strict: true})
	}
}

// BenchmarkLoadBundled measures opening a bundled file until its catalog
// is ready, before any schema is compiled.
func BenchmarkLoadBundled(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loadBundled("v1.36"); err != nil {
			b.Fatal(err)
		}
	}
}
