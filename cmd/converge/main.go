// Command converge makes a Kubernetes cluster match manifests in git. See
// package cmd for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/convergehq/converge/cmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cmd.Execute(ctx)
	stop()
	os.Exit(code)
}
