package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// version is set at build time with -ldflags "-X .../cmd.version=...".
var version = "dev"

// NewRootCommand builds the converge command tree writing to streams.
func NewRootCommand(streams genericiooptions.IOStreams) *cobra.Command {
	root, _ := newRoot(streams)
	return root
}

// newRoot builds the command tree and returns the profile flags, which
// run stops after the command.
func newRoot(streams genericiooptions.IOStreams) (*cobra.Command, *profileFlags) {
	config := genericclioptions.NewConfigFlags(true)
	profile := &profileFlags{}
	logs := &logFlags{}
	root := &cobra.Command{
		Use:   "converge",
		Short: "converge makes a Kubernetes cluster match manifests in git",
		Long: `converge applies Kubernetes manifests the way kubectl apply does, with the same
last-applied-configuration three-way merge, so kubectl and converge can take
turns on the same objects.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			logs.apply()
			return profile.start()
		},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	config.AddFlags(root.PersistentFlags())
	profile.add(root.PersistentFlags())
	logs.add(root.PersistentFlags())
	root.AddCommand(newApplyCommand(config, streams), newRenderCommand(streams), newValidateCommand(config, streams), newDiffCommand(config, streams),
		newHistoryCommand(config, streams), newUndoCommand(config, streams), newSyncCommand(config, streams), newVersionCommand(streams))
	return root, profile
}

// Execute runs converge with os.Args and returns the process exit code.
func Execute(ctx context.Context) int {
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	root, profile := newRoot(streams)
	code := run(ctx, root, streams.ErrOut)
	if err := profile.stop(); err != nil {
		fmt.Fprintln(streams.ErrOut, "error: write profile:", err.Error())
	}
	return code
}

func run(ctx context.Context, root *cobra.Command, errOut io.Writer) int {
	if err := root.ExecuteContext(ctx); err != nil {
		if !errors.Is(err, errChanges) {
			fmt.Fprintln(errOut, "error:", err.Error())
		}
		return exitCode(err)
	}
	return 0
}

// ExitError carries a specific exit code.
type ExitError struct {
	Code int
	Err  error
}

// Error returns the wrapped error's message.
func (e *ExitError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *ExitError) Unwrap() error { return e.Err }

func exitCode(err error) int {
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return 1
}

func newVersionCommand(streams genericiooptions.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the converge version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(streams.Out, "converge %s\n", version)
			return err
		},
	}
}
