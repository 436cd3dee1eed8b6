// Command benchsync measures `converge sync` side by side with the naive
// pipeline, `git pull && kubectl apply -f`, on one repository of N
// ConfigMaps served over HTTP by git http-backend on loopback, against the
// cluster of $KUBECONFIG:
//
//   - the first sync, and the naive first apply;
//   - a cycle with nothing to do: git round trips, the client's own API
//     requests, apiserver_request_total against an idle window of the same
//     length, CPU time; and the naive pull and apply with nothing changed;
//   - the time from a commit changing every object to all of them applied,
//     with sync's own split: detection, fetch+render+validate, apply;
//   - peak RSS of the sync and of kubectl.
//
// Usage: go run ./hack/benchsync -converge bin/converge [-objects 1000]
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	b := &bench{}
	flag.StringVar(&b.converge, "converge", "bin/converge", "the converge binary")
	flag.IntVar(&b.objects, "objects", 1000, "ConfigMaps in the repository")
	flag.DurationVar(&b.window, "window", 10*time.Second, "length of the steady-state window")
	flag.DurationVar(&b.interval, "interval", time.Second, "sync's --interval")
	flag.Parse()
	if err := b.run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchsync:", err)
		os.Exit(1)
	}
}
