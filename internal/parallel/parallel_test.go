package parallel

import (
	"sync/atomic"
	"testing"
)

func TestDoBoundsConcurrencyAndCallsEveryIndex(t *testing.T) {
	tests := []struct {
		name     string
		limit, n int
	}{
		{name: "more work than workers", limit: 3, n: 50},
		{name: "limit below one means one", limit: 0, n: 5},
		{name: "no work", limit: 4, n: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var running, peak atomic.Int32
			seen := make([]int, tc.n)
			Do(tc.limit, tc.n, func(i int) {
				now := running.Add(1)
				for {
					p := peak.Load()
					if now <= p || peak.CompareAndSwap(p, now) {
						break
					}
				}
				seen[i]++
				running.Add(-1)
			})
			if got := int(peak.Load()); got > max(1, tc.limit) {
				t.Errorf("peak concurrency %d, limit %d", got, tc.limit)
			}
			for i, c := range seen {
				if c != 1 {
					t.Errorf("index %d called %d times", i, c)
				}
			}
		})
	}
}
