// Package parallel runs a bounded number of calls at once. Plan, prefetch,
// server-side prediction, apply waves and file decoding all fan out the
// same way.
package parallel

import (
	"sync"
	"sync/atomic"
)

// Do calls fn(i) for every i in [0, n), at most limit at a time (1 when
// limit < 1), and returns when all calls have returned. fn must only write
// to its own index of any shared slice. The calls run on min(limit, n)
// long-lived goroutines that take indices in order, so a goroutine's stack,
// once grown for deep work, serves every later call.
func Do(limit, n int, fn func(i int)) {
	workers := min(max(1, limit), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
