package schemas

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fresh returns a catalog with the newest bundled definitions and nothing
// compiled yet.
func fresh(t *testing.T) *Catalog {
	base := newest(t)
	return newCatalog(base.version, base.defs, nil, nil)
}

// TestConcurrentValidate runs Validate from many goroutines on one cold
// catalog, so schemas are compiled while others validate; run it with
// -race. Every run must match a run on a catalog of its own.
func TestConcurrentValidate(t *testing.T) {
	set := benchSet(300)
	for _, f := range []string{"testdata/core/valid.yaml", "testdata/core/pod.yaml", "testdata/crd.yaml", "testdata/core/deployment.yaml"} {
		more := loadFile(t, f)
		set.Objects = append(set.Objects, more.Objects...)
	}
	opts := Options{Strict: true, Concurrency: 4}
	solo, _ := fresh(t).WithCRDs(set)
	want := solo.Validate(context.Background(), set, opts)
	if len(want.Problems) == 0 {
		t.Fatal("the set has no problems; the test needs some")
	}
	shared, _ := fresh(t).WithCRDs(set)
	const runs = 8
	results := make([]Result, runs)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Go(func() { results[i] = shared.Validate(context.Background(), set, opts) })
	}
	wg.Wait()
	for i, got := range results {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("run %d (-want +got):\n%s", i, diff)
		}
	}
}

// TestValidateDoesNotChangeObjects checks that validation, null pruning
// included, leaves the caller's objects as they were.
func TestValidateDoesNotChangeObjects(t *testing.T) {
	set := loadYAML(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: null}
spec:
  replicas: null
  selector: {matchLabels: {app: web}}
  template: {spec: {containers: [{name: web, image: nginx, args: [null]}]}}
`)
	before := set.Objects[0].DeepCopy().Object
	newest(t).Validate(context.Background(), set, Options{Strict: true})
	if diff := cmp.Diff(before, set.Objects[0].Object); diff != "" {
		t.Errorf("object changed (-before +after):\n%s", diff)
	}
}
