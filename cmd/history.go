package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/convergehq/converge/history"
	"github.com/convergehq/converge/internal/kube"
	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"
)

// historyFlags are the raw flag values of `converge history`.
type historyFlags struct {
	ApplySet string
	Revision int
	Output   string
}

// historyOptions are validated history settings.
type historyOptions struct {
	ApplySet string
	// Revision, when not 0, shows that revision and its changes.
	Revision int
	// Output is "" (a table, or the details), json or yaml.
	Output string
}

// toOptions validates the flags. It is pure.
func (f historyFlags) toOptions() (historyOptions, error) {
	if f.ApplySet == "" {
		return historyOptions{}, fmt.Errorf("--applyset NAME is required: the history of a set hangs off its ApplySet parent")
	}
	if f.Revision < 0 {
		return historyOptions{}, fmt.Errorf("invalid --revision %d: use a revision number that converge history lists", f.Revision)
	}
	switch f.Output {
	case "", "json", "yaml":
	default:
		return historyOptions{}, fmt.Errorf("invalid -o %q: use json or yaml, or leave it out for a table", f.Output)
	}
	return historyOptions(f), nil
}

func newHistoryCommand(config *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	var f historyFlags
	cmd := &cobra.Command{
		Use:   "history --applyset NAME",
		Short: "List the recorded revisions of an ApplySet, or show one and what it changed",
		Long: `history lists the revisions converge recorded for an ApplySet: every
converge apply --prune --applyset that changed something, and every undo.
Each revision keeps its source (git commit, branch, author, or local files),
its change-cause, its counts, and the rendered set exactly as applied.

--revision N shows that revision and the diff from the revision before it.
Secret values are masked.`,
		Example: `  converge history --applyset flask
  converge history --applyset flask --revision 2
  converge history --applyset shop -n shop -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.toOptions()
			if err != nil {
				return err
			}
			return runHistory(cmd.Context(), config, o, streams)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.ApplySet, "applyset", "", "the ApplySet: NAME (a Secret in the namespace), configmaps/NAME or KIND.GROUP/NAME")
	fl.IntVar(&f.Revision, "revision", 0, "show this revision, and the diff from the revision before it")
	fl.StringVarP(&f.Output, "output", "o", "", `"json" or "yaml" instead of the table`)
	return cmd
}

// historyStore connects to the cluster and finds the set's history.
func historyStore(ctx context.Context, config *genericclioptions.ConfigFlags, ref string) (*kube.Clients, history.Store, error) {
	clients, parent, err := syncTarget(ctx, config, ref)
	if err != nil {
		return nil, history.Store{}, err
	}
	return clients, history.Store{Clients: clients, Parent: parent}, nil
}

func runHistory(ctx context.Context, config *genericclioptions.ConfigFlags, o historyOptions, streams genericiooptions.IOStreams) error {
	_, store, err := historyStore(ctx, config, o.ApplySet)
	if err != nil {
		return err
	}
	if o.Revision > 0 {
		d, err := history.Show(ctx, store, o.Revision)
		if err != nil {
			return err
		}
		if o.Output != "" {
			return printStructured(streams, o.Output, d)
		}
		f, ok := streams.Out.(*os.File)
		return d.WriteText(streams.Out, ok && term.IsTerminal(int(f.Fd())))
	}
	revs, err := store.List(ctx)
	if err != nil {
		return err
	}
	if o.Output != "" {
		return printStructured(streams, o.Output, map[string]any{"applyset": store.Parent.ID(), "revisions": revs})
	}
	if len(revs) == 0 {
		fmt.Fprintf(streams.ErrOut, "no revisions recorded for applyset %s: converge apply --prune --applyset %s records one\n", store.Parent, store.Parent.Name)
		return nil
	}
	return history.WriteTable(streams.Out, revs)
}

// printStructured prints v as indented JSON or as YAML.
func printStructured(streams genericiooptions.IOStreams, output string, v any) error {
	data, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	if output == "yaml" {
		if data, err = yaml.JSONToYAML(data); err != nil {
			return err
		}
	} else {
		data = append(data, '\n')
	}
	_, err = streams.Out.Write(data)
	return err
}
