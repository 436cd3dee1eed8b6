package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/convergehq/converge/history"
	"github.com/convergehq/converge/internal/kube"
	gsync "github.com/convergehq/converge/sync"
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func newSyncStatusCommand(config *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	var applySet, output string
	cmd := &cobra.Command{
		Use:   "status [--applyset NAME]",
		Short: "Show what sync applied, its last attempt, pins and errors, from the cluster",
		Example: `  converge sync status -n flask
  converge sync status --applyset flask -n flask -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch output {
			case "", "json", "yaml":
			default:
				return fmt.Errorf("invalid -o %q: use json or yaml, or leave it out", output)
			}
			return runSyncStatus(cmd.Context(), config, applySet, output, streams)
		},
	}
	cmd.Flags().StringVar(&applySet, "applyset", "", "only this set; without it, every synced set in the namespace")
	cmd.Flags().StringVarP(&output, "output", "o", "", `"json" or "yaml" instead of text`)
	return cmd
}

func runSyncStatus(ctx context.Context, config *genericclioptions.ConfigFlags, ref, output string, streams genericiooptions.IOStreams) error {
	if ref == "" {
		clients, err := kube.New(config)
		if err != nil {
			return err
		}
		if err := clients.Ping(ctx); err != nil {
			return err
		}
		all, err := gsync.ListStatus(ctx, clients, clients.Namespace)
		if err != nil || output != "" {
			return firstErr(err, func() error { return printStructured(streams, output, all) })
		}
		if len(all) == 0 {
			fmt.Fprintf(streams.ErrOut, "no synced sets in namespace %s\n", clients.Namespace)
			return nil
		}
		return gsync.WriteTable(streams.Out, all)
	}
	clients, parent, err := syncTarget(ctx, config, ref)
	if err != nil {
		return err
	}
	st, found, err := gsync.ReadStatus(ctx, history.Store{Clients: clients, Parent: parent})
	switch {
	case err != nil:
		return err
	case !found:
		return fmt.Errorf("applyset %s was never synced: converge sync --applyset %s starts it", parent, parent.Name)
	case output != "":
		return printStructured(streams, output, st)
	}
	return gsync.WriteDetails(streams.Out, st)
}

// firstErr returns err, or else what next returns.
func firstErr(err error, next func() error) error {
	if err != nil {
		return err
	}
	return next()
}

func newSyncResumeCommand(config *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	var applySet string
	cmd := &cobra.Command{
		Use:   "resume --applyset NAME",
		Short: "Let sync follow git again after converge undo pinned the set",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if applySet == "" {
				return fmt.Errorf("--applyset NAME is required")
			}
			return runSyncResume(cmd.Context(), config, applySet, streams)
		},
	}
	cmd.Flags().StringVar(&applySet, "applyset", "", "the synced set")
	return cmd
}

func runSyncResume(ctx context.Context, config *genericclioptions.ConfigFlags, ref string, streams genericiooptions.IOStreams) error {
	clients, parent, err := syncTarget(ctx, config, ref)
	if err != nil {
		return err
	}
	store := history.Store{Clients: clients, Parent: parent}
	st, found, err := gsync.ReadStatus(ctx, store)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("applyset %s was never synced: there is nothing to resume", parent)
	}
	if err := gsync.WriteResume(ctx, store, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(streams.Out, "applyset %s: sync follows %s again; the next cycle applies the commit it points to\n", parent.Name, st.Ref)
	return nil
}
