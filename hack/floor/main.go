// Command floor measures the raw client-go floor that bench-apply compares
// converge with: N ConfigMaps created by 16 parallel workers, one LIST of
// them, and their parallel deletes, against the cluster of $KUBECONFIG.
// It prints one line per phase: "floor PHASE SECONDS".
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
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	n := flag.Int("n", 1200, "number of ConfigMaps")
	ns := flag.String("namespace", "bench-floor", "namespace, created if missing")
	workers := flag.Int("workers", 16, "parallel requests")
	deletes := flag.Int("deletes", 0, "how many to delete in the delete phase; 0 deletes all")
	flag.Parse()
	if err := run(context.Background(), *n, *ns, *workers, *deletes); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n int, ns string, workers, deletes int) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = -1, -1
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	_, _ = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	cms := cs.CoreV1().ConfigMaps(ns)
	start := time.Now()
	err = parallel(n, workers, func(i int) error {
		cm := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%05d", i), Labels: map[string]string{"bench": "floor"}},
			Data:       map[string]string{"key": fmt.Sprintf("value-%d", i), "other": fmt.Sprint(i)},
		}
		_, err := cms.Create(ctx, cm, metav1.CreateOptions{})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("floor create %.3f\n", time.Since(start).Seconds())
	start = time.Now()
	list, err := cms.List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	fmt.Printf("floor list %.3f (%d objects)\n", time.Since(start).Seconds(), len(list.Items))
	if deletes <= 0 || deletes > n {
		deletes = n
	}
	start = time.Now()
	err = parallel(deletes, workers, func(i int) error {
		return cms.Delete(ctx, fmt.Sprintf("cm-%05d", i), metav1.DeleteOptions{})
	})
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
