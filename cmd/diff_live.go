package cmd

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/internal/junit"
	"github.com/convergehq/converge/preview"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// livePlan compares the head of a preview with the cluster through the
// plan apply would execute. The head was validated with the preview,
// against the schemas diff uses.
func livePlan(ctx context.Context, config *genericclioptions.ConfigFlags, o diffOptions, res preview.Result, streams genericiooptions.IOStreams) (diff.Report, error) {
	o.Validation.Validate = false
	live, err := planReport(ctx, config, o, res.HeadSet.Select(o.Prune.Selector), streams)
	if err != nil {
		return live, fmt.Errorf("%s against the cluster: %w", res.Head, err)
	}
	return live, nil
}

// writeLive prints the preview and the live comparison of
// `converge diff --git-base REF --live`. Exit status: 2 on a change the
// server refuses, 1 when either comparison has changes, else 0.
func writeLive(ctx context.Context, config *genericclioptions.ConfigFlags, o diffOptions, res preview.Result, live diff.Report, streams genericiooptions.IOStreams) error {
	title := fmt.Sprintf("%s against the cluster (context %s)", res.Head, contextName(config))
	if err := writeBoth(ctx, streams, o.Output, res, live, title); err != nil {
		return &ExitError{Code: exitDiffError, Err: err}
	}
	if err := diffExit(live); err != nil {
		return err
	}
	if res.Report.HasChanges() {
		return &ExitError{Code: exitDiffChanges, Err: errChanges}
	}
	return nil
}

// writeBoth prints the preview and the live comparison in one document
// of the chosen format.
func writeBoth(ctx context.Context, streams genericiooptions.IOStreams, output string, res preview.Result, live diff.Report, title string) error {
	w := streams.Out
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"preview": res.Report.JSON(), "live": live.JSON()})
	case "junit":
		return junit.Write(w, res.Report.JUnit(fmt.Sprintf("converge diff %s → %s", res.Base, res.Head)), live.JUnit("converge diff "+title))
	case "markdown":
		fmt.Fprintf(w, "## %s → %s\n\n", res.Base, res.Head)
		if err := res.Report.WriteMarkdownWithin(w, diff.MarkdownLimit/2-200); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n## %s\n\n", title)
		return live.WriteMarkdownWithin(w, diff.MarkdownLimit/2-200)
	}
	fmt.Fprintf(w, "== %s → %s\n", res.Base, res.Head)
	if err := writeDiff(ctx, res.Report, output, streams); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n== %s\n", title)
	return writeDiff(ctx, live, output, streams)
}

// contextName names the kubeconfig context a command talks to.
func contextName(config *genericclioptions.ConfigFlags) string {
	if config.Context != nil && *config.Context != "" {
		return *config.Context
	}
	raw, err := config.ToRawKubeConfigLoader().RawConfig()
	if err != nil || raw.CurrentContext == "" {
		return "from the kubeconfig"
	}
	return raw.CurrentContext
}
