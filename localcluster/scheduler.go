package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"
	schedulerapp "k8s.io/kubernetes/cmd/kube-scheduler/app"
	scheduleroptions "k8s.io/kubernetes/cmd/kube-scheduler/app/options"
)

// schedulerArgs are the kube-scheduler flags: the admin kubeconfig, no
// leader election and no serving port. Log verbosity is the process-wide
// klog setting that kube-apiserver already applied from --v.
func (cp *controlPlane) schedulerArgs() []string {
	return []string{
		"--kubeconfig=" + cp.kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		"--profiling=false",
	}
}

// startScheduler runs kube-scheduler in this process until ctx ends and
// reports its exit on cp.schedDone. It goes through the app package's Setup
// and Run rather than the cobra command, which would install a second
// signal handler.
func (cp *controlPlane) startScheduler(ctx context.Context) error {
	opts := scheduleroptions.NewOptions()
	fs := pflag.NewFlagSet("kube-scheduler", pflag.ContinueOnError)
	for _, set := range opts.Flags.FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse(cp.schedulerArgs()); err != nil {
		return fmt.Errorf("kube-scheduler flags: %w", err)
	}
	cc, sched, err := schedulerapp.Setup(ctx, opts)
	if err != nil {
		return fmt.Errorf("set up kube-scheduler: %w", err)
	}
	go func() { cp.schedDone <- schedulerapp.Run(ctx, cc, sched) }()
	return nil
}
