package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/convergehq/converge/manifests"
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"
)

// renderFlags are the raw flag values of `converge render`.
type renderFlags struct {
	manifestFlags
	Output string
}

// renderOptions are validated render settings.
type renderOptions struct {
	Load   manifests.Options
	Output string
}

// toOptions validates flags. It is pure.
func (f renderFlags) toOptions() (renderOptions, error) {
	load, err := f.manifestFlags.toOptions()
	if err != nil {
		return renderOptions{}, err
	}
	switch f.Output {
	case "", "yaml":
		f.Output = "yaml"
	case "json":
	default:
		return renderOptions{}, fmt.Errorf("invalid -o %q: use yaml or json", f.Output)
	}
	return renderOptions{Load: load, Output: f.Output}, nil
}

func newRenderCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var f renderFlags
	cmd := &cobra.Command{
		Use:   "render (-f FILENAME | -k DIR)",
		Short: "Print the final objects in apply order, as kubectl kustomize or flux build do",
		Example: `  converge render -k examples/kustomize/overlays/prod
  converge render -f examples/flask -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.toOptions()
			if err != nil {
				return err
			}
			o.Load.Stdin = streams.In
			set, err := manifests.Load(cmd.Context(), o.Load)
			if err != nil {
				return err
			}
			printWarnings(streams.ErrOut, set)
			return writeObjects(streams.Out, set.Sorted(), o.Output)
		},
	}
	f.add(cmd.Flags(), "render")
	cmd.Flags().StringVarP(&f.Output, "output", "o", "yaml", "output format: yaml (a stream of documents) or json (a List)")
	return cmd
}

// writeObjects prints objects as a YAML stream or a JSON List.
func writeObjects(w io.Writer, objs []manifests.Object, format string) error {
	if format == "json" {
		items := make([]any, len(objs))
		for i, o := range objs {
			items[i] = o.Object
		}
		list := map[string]any{"apiVersion": "v1", "kind": "List", "items": items}
		data, err := json.MarshalIndent(list, "", "    ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", data)
		return err
	}
	var b bytes.Buffer
	for i, o := range objs {
		if i > 0 {
			b.WriteString("---\n")
		}
		data, err := yaml.Marshal(o.Object)
		if err != nil {
			return fmt.Errorf("%s from %s: encode YAML: %w", o.ID(), o.Origin, err)
		}
		b.Write(data)
	}
	_, err := w.Write(b.Bytes())
	return err
}
