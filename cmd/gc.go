package cmd

import "runtime/debug"

// largeSet is the size from which a run trades some CPU for memory.
const largeSet = 5000

// tuneGC makes the garbage collector run more often for a large set: the
// heap of a 10,000-object plan is mostly short-lived copies, and the
// default (GOGC=100) lets it grow to twice what is live. An explicit GOGC
// in the environment wins.
func tuneGC(objects int, getenv func(string) string) {
	if objects >= largeSet && getenv("GOGC") == "" {
		debug.SetGCPercent(40)
	}
}
