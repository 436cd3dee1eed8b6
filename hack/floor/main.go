// Command floor measures the raw client-go floor that bench-apply compares
// converge with: N ConfigMaps created by 16 parallel workers, one LIST of
// them, a merge patch of each, and their parallel deletes, against the
// cluster of $KUBECONFIG.
// It prints one line per phase: "floor PHASE SECONDS".
//
// By default it sends JSON through the dynamic client, as any applier of
// arbitrary kinds (kubectl, converge) must; -proto uses the typed client's
// protobuf instead, which the API server decodes faster.
//
//	go run ./hack/floor -n 10000 -namespace bench-floor
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	n := flag.Int("n", 1200, "number of ConfigMaps")
	ns := flag.String("namespace", "bench-floor", "namespace, created if missing")
	workers := flag.Int("workers", 16, "parallel requests")
	deletes := flag.Int("deletes", 0, "how many to delete in the delete phase; 0 deletes all")
	proto := flag.Bool("proto", false, "send protobuf with the typed client instead of JSON with the dynamic client")
	flag.Parse()
	if err := run(context.Background(), *n, *ns, *workers, *deletes, *proto); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

// configMaps is the part of a ConfigMap client the floor uses.
type configMaps interface {
	create(ctx context.Context, i int) error
	list(ctx context.Context) (int, error)
	patch(ctx context.Context, i int) error
	delete(ctx context.Context, i int) error
}

func run(ctx context.Context, n int, ns string, workers, deletes int, proto bool) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = -1, -1
	if proto {
		cfg.ContentType = "application/vnd.kubernetes.protobuf"
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	_, _ = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	var cms configMaps = typedClient{cs.CoreV1().ConfigMaps(ns)}
	if !proto {
		dyn, err := dynamic.NewForConfig(cfg)
		if err != nil {
			return err
		}
		cms = dynamicClient{dyn.Resource(corev1.SchemeGroupVersion.WithResource("configmaps")).Namespace(ns)}
	}
	start := time.Now()
	if err := parallel(n, workers, func(i int) error { return cms.create(ctx, i) }); err != nil {
		return err
	}
	fmt.Printf("floor create %.3f\n", time.Since(start).Seconds())
	start = time.Now()
	count, err := cms.list(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("floor list %.3f (%d objects)\n", time.Since(start).Seconds(), count)
	start = time.Now()
	if err := parallel(n, workers, func(i int) error { return cms.patch(ctx, i) }); err != nil {
		return err
	}
	fmt.Printf("floor patch %.3f\n", time.Since(start).Seconds())
	if deletes <= 0 || deletes > n {
		deletes = n
	}
	start = time.Now()
	err = parallel(deletes, workers, func(i int) error { return cms.delete(ctx, i) })
	if err != nil {
		return err
	}
	fmt.Printf("floor delete %.3f (%d objects)\n", time.Since(start).Seconds(), deletes)
	return nil
}

// parallel runs f(0..n-1) on workers goroutines and returns the first error.
func parallel(n, workers int, f func(int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

func name(i int) string { return fmt.Sprintf("cm-%05d", i) }

type typedClient struct {
	c interface {
		Create(context.Context, *corev1.ConfigMap, metav1.CreateOptions) (*corev1.ConfigMap, error)
		List(context.Context, metav1.ListOptions) (*corev1.ConfigMapList, error)
		Delete(context.Context, string, metav1.DeleteOptions) error
		Patch(context.Context, string, types.PatchType, []byte, metav1.PatchOptions, ...string) (*corev1.ConfigMap, error)
	}
}

// changed is the merge patch of the patch phase.
var changed = []byte(`{"data":{"key":"changed"}}`)

func (t typedClient) patch(ctx context.Context, i int) error {
	_, err := t.c.Patch(ctx, name(i), types.MergePatchType, changed, metav1.PatchOptions{})
	return err
}

func (d dynamicClient) patch(ctx context.Context, i int) error {
	_, err := d.r.Patch(ctx, name(i), types.MergePatchType, changed, metav1.PatchOptions{})
	return err
}

func (t typedClient) create(ctx context.Context, i int) error {
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: name(i), Labels: map[string]string{"bench": "floor"}},
		Data:       map[string]string{"key": fmt.Sprintf("value-%d", i), "other": fmt.Sprint(i)},
	}
	_, err := t.c.Create(ctx, cm, metav1.CreateOptions{})
	return err
}

func (t typedClient) list(ctx context.Context) (int, error) {
	l, err := t.c.List(ctx, metav1.ListOptions{})
	if err != nil {
		return 0, err
	}
	return len(l.Items), nil
}

func (t typedClient) delete(ctx context.Context, i int) error {
	return t.c.Delete(ctx, name(i), metav1.DeleteOptions{})
}

type dynamicClient struct{ r dynamic.ResourceInterface }

func (d dynamicClient) create(ctx context.Context, i int) error {
	cm := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": name(i), "labels": map[string]any{"bench": "floor"}},
		"data":     map[string]any{"key": fmt.Sprintf("value-%d", i), "other": fmt.Sprint(i)},
	}}
	_, err := d.r.Create(ctx, cm, metav1.CreateOptions{})
	return err
}

func (d dynamicClient) list(ctx context.Context) (int, error) {
	l, err := d.r.List(ctx, metav1.ListOptions{})
	if err != nil {
		return 0, err
	}
	return len(l.Items), nil
}

func (d dynamicClient) delete(ctx context.Context, i int) error {
	return d.r.Delete(ctx, name(i), metav1.DeleteOptions{})
}
