// Package parallel runs a bounded number of calls at once. Plan, prefetch,
// server-side prediction and apply waves all fan out the same way.
package parallel

import "sync"

// Do calls fn(i) for every i in [0, n), at most limit at a time (1 when
// limit < 1), and returns when all calls have returned. fn must only write
// to its own index of any shared slice.
func Do(limit, n int, fn func(i int)) {
	sem := make(chan struct{}, max(1, limit))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}
