// Package cmd is converge's command line. It is deliberately thin: each
// command turns its flags into an options struct with a pure, tested
// function, validates them, calls one library package (manifests, diff,
// apply), and prints the result. Connection flags are kubectl's own, from
// k8s.io/cli-runtime genericclioptions.
package cmd
