package manifests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeBenchSet writes files × docs YAML documents (ConfigMaps, Services
// and Deployments in turn) under dir.
func writeBenchSet(tb testing.TB, dir string, files, docs int) {
	tb.Helper()
	for f := range files {
		var b strings.Builder
		for d := range docs {
			n := f*docs + d
			switch n % 3 {
			case 0:
				fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\n  labels: {app: bench}\ndata:\n  key: \"v%d\"\n", n, n)
			case 1:
				fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%d\nspec:\n  selector: {app: web-%d}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n", n, n)
			default:
				fmt.Fprintf(&b, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-%d\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web-%d}\n  template:\n    metadata:\n      labels: {app: web-%d}\n    spec:\n      containers:\n      - name: web\n        image: registry.example/web:%d\n        ports:\n        - containerPort: 8080\n        resources:\n          limits: {cpu: 500m, memory: 128Mi}\n", n, n, n, n)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f-%04d.yaml", f)), []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkLoad10000 loads 10,000 documents spread over 1,000 files; the
// goal is under one second per load on the project's 2-core machines.
func BenchmarkLoad10000(b *testing.B) {
	dir := b.TempDir()
	writeBenchSet(b, dir, 1000, 10)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		set, err := Load(context.Background(), Options{Paths: []string{dir}})
		if err != nil || set.Len() != 10000 {
			b.Fatalf("loaded %d objects: %v", set.Len(), err)
		}
	}
}
