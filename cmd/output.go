package cmd

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/diff"
	"sigs.k8s.io/yaml"
)

// progressPrinter prints each applied object as kubectl does: "kind/name
// created" by default, "kind/name" with -o name, and nothing with -o
// json|yaml, which print the objects at the end.
func progressPrinter(w io.Writer, output, suffix string) func([]apply.Entry) {
	return func(entries []apply.Entry) {
		for _, e := range entries {
			switch {
			case e.Err != nil:
			case output == "":
				fmt.Fprintf(w, "%s %s%s\n", e.ID.KindName(), e.Action, suffix)
			case output == "name":
				fmt.Fprintln(w, e.ID.KindName())
			}
		}
	}
}

// printObjects prints the applied objects as one v1 List, as kubectl apply
// -o json|yaml does, except that a Secret's values are masked: they never
// reach converge's output.
func printObjects(w io.Writer, output string, res apply.Result) error {
	items := []any{}
	for _, e := range res.Entries {
		if e.Err == nil && e.Object != nil {
			masked, _ := diff.Masker{}.Mask(e.Object, nil)
			items = append(items, masked.Object)
		}
	}
	list := map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{}, "items": items}
	var data []byte
	var err error
	if output == "json" {
		data, err = json.MarshalIndent(list, "", "    ")
		data = append(data, '\n')
	} else {
		data, err = yaml.Marshal(list)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}
