package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/history"
	"github.com/convergehq/converge/internal/kube"
	"github.com/convergehq/converge/manifests"
	"github.com/convergehq/converge/schemas"
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// applyFlags are the raw flag values of `converge apply`.
type applyFlags struct {
	manifestFlags
	schemaFlags
	pruneFlags
	Validate       string
	DryRun         string
	FieldManager   string
	Concurrency    int
	Force          bool
	Timeout        time.Duration
	ServerSide     bool
	ForceConflicts bool
	Wait           bool
	Output         string
	ChangeCause    string
	HistoryLimit   int
}

// applyOptions are validated apply settings.
type applyOptions struct {
	Load  manifests.Options
	Apply apply.Options
	Prune pruneOptions
	// Output is -o: "" (kubectl's lines), name, json or yaml.
	Output string
	// Validation is what --validate and the schema flags ask for.
	Validation validation
	// HistoryLimit is how many revisions of the ApplySet to keep.
	HistoryLimit int
}

// toOptions validates flags and turns them into options. It is pure.
func (f applyFlags) toOptions() (applyOptions, error) {
	load, err := f.manifestFlags.toOptions()
	if err != nil {
		return applyOptions{}, err
	}
	dry, err := parseDryRun(f.DryRun)
	if err != nil {
		return applyOptions{}, err
	}
	v, err := f.schemaFlags.validation(f.Validate)
	if err != nil {
		return applyOptions{}, err
	}
	if f.Concurrency < 0 {
		return applyOptions{}, fmt.Errorf("invalid --concurrency %d: use a positive number, or 0 for the default", f.Concurrency)
	}
	prune, err := f.pruneFlags.toOptions()
	if err != nil {
		return applyOptions{}, err
	}
	if err := checkServerSide(f.ServerSide, f.ForceConflicts, f.Force, dry); err != nil {
		return applyOptions{}, err
	}
	switch f.Output {
	case "", "name", "json", "yaml":
	default:
		return applyOptions{}, fmt.Errorf("invalid -o %q: use name, json or yaml", f.Output)
	}
	load.AllowEmpty = prune.ApplySet != ""
	if f.Timeout < 0 {
		return applyOptions{}, fmt.Errorf("invalid --timeout %s: use a positive duration such as 90s, or 0 for the default", f.Timeout)
	}
	if f.HistoryLimit < 0 {
		return applyOptions{}, fmt.Errorf("invalid --history-limit %d: use a positive number of revisions, or 0 to keep them all", f.HistoryLimit)
	}
	return applyOptions{
		Load: load,
		Apply: apply.Options{Concurrency: f.Concurrency, DryRun: dry, FieldManager: f.FieldManager,
			Force: f.Force, Timeout: f.Timeout, ServerSide: f.ServerSide, ForceConflicts: f.ForceConflicts, Wait: f.Wait,
			KeepObjects: f.Output == "json" || f.Output == "yaml", ChangeCause: f.ChangeCause},
		Validation:   v,
		Prune:        prune,
		Output:       f.Output,
		HistoryLimit: f.HistoryLimit,
	}, nil
}

// parseDryRun reads kubectl's --dry-run values: none (or ""), client,
// server.
func parseDryRun(v string) (apply.DryRun, error) {
	switch d := apply.DryRun(v); d {
	case "":
		return apply.DryRunNone, nil
	case apply.DryRunNone, apply.DryRunClient, apply.DryRunServer:
		return d, nil
	}
	return "", fmt.Errorf("invalid --dry-run %q: use none, client or server", v)
}

// parseValidate reads kubectl's --validate values: true/strict, warn,
// false/ignore.
func parseValidate(v string) (validate, warn bool, err error) {
	switch v {
	case "", "true", "strict":
		return true, false, nil
	case "warn":
		return true, true, nil
	case "false", "ignore":
		return false, false, nil
	}
	return false, false, fmt.Errorf("invalid --validate %q: use true (strict), warn or false", v)
}

func newApplyCommand(config *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	var f applyFlags
	cmd := &cobra.Command{
		Use:   "apply (-f FILENAME | -k DIR)",
		Short: "Apply manifests to the cluster, as kubectl apply does",
		Example: `  converge apply -f examples/flask
  converge apply -f manifests/ -R
  converge apply -k examples/kustomize/overlays/prod
  converge apply -f app/ -n shop --prune --applyset shop
  cat app.yaml | converge apply -f -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.toOptions()
			if err != nil {
				return err
			}
			o.Load.Stdin = streams.In
			return runApply(cmd.Context(), config, o, streams)
		},
	}
	fl := cmd.Flags()
	f.manifestFlags.add(fl, "apply")
	f.schemaFlags.add(cmd, "cluster")
	f.pruneFlags.add(fl, true)
	fl.StringVar(&f.Validate, "validate", "true", `"true"/"strict": validate every object first and apply nothing if any is invalid; "warn": print problems and apply; "false": skip`)
	fl.StringVar(&f.DryRun, "dry-run", "none", `"none", "client" (print what would be sent) or "server" (send with dryRun=All, persist nothing)`)
	fl.StringVar(&f.FieldManager, "field-manager", apply.DefaultFieldManager, "name recorded in managedFields for the changes")
	fl.IntVar(&f.Concurrency, "concurrency", 0, "objects applied at once within a wave; 0 uses the default")
	fl.BoolVar(&f.Force, "force", false, "delete and re-create an object whose change the server refuses to make in place (an immutable field), as kubectl apply --force")
	fl.BoolVar(&f.ServerSide, "server-side", false, "apply with server-side apply: the server merges, and records --field-manager as the owner of each field; objects applied client-side before are migrated")
	fl.BoolVar(&f.ForceConflicts, "force-conflicts", false, "with --server-side, take over fields other managers own instead of failing")
	fl.StringVar(&f.ChangeCause, "change-cause", "", "kubernetes.io/change-cause for every object created or changed (kubectl rollout history shows it); default: \"<short sha> <subject>\" of the git commit holding the manifests, else the command line; a cause in the manifest wins")
	fl.StringVarP(&f.Output, "output", "o", "", `print "name" (kind/name per object), or the applied objects as a List in "json" or "yaml", instead of kubectl's lines`)
	fl.BoolVar(&f.Wait, "wait", false, "after applying, wait until every applied object is healthy (kstatus: rollouts done, Jobs complete, PVCs bound, Ready conditions)")
	fl.IntVar(&f.HistoryLimit, "history-limit", history.DefaultLimit, "with --applyset, how many revisions of the set to keep for converge history and undo (0 keeps all)")
	fl.DurationVar(&f.Timeout, "timeout", 0, "how long --wait waits for health (0 means 5m), and --force for a deleted object to go (0 means 2m)")
	return cmd
}

func runApply(ctx context.Context, config *genericclioptions.ConfigFlags, o applyOptions, streams genericiooptions.IOStreams) error {
	set, err := manifests.Load(ctx, o.Load)
	if err != nil {
		return fmt.Errorf("nothing was applied: %w", err)
	}
	set = set.Select(o.Prune.Selector)
	tuneGC(set.Len(), os.Getenv)
	source := defaultCause(&o)
	printWarnings(streams.ErrOut, set)
	out := streams.Out
	clients, err := kube.New(config)
	if err != nil {
		return err
	}
	if err := clients.Ping(ctx); err != nil {
		return err
	}
	if err := validateSet(ctx, config, o.Validation, set, streams, "nothing was applied"); err != nil {
		return err
	}
	if err := o.Prune.resolve(clients, &o.Apply); err != nil {
		return fmt.Errorf("nothing was applied: %w", err)
	}
	if memo := openMemo(clients, streams.ErrOut); memo != nil && !o.Apply.KeepObjects {
		// A memo verdict holds only the metadata of the live object.
		o.Apply.Memo = memo
		defer saveMemo(memo, streams.ErrOut)
	}
	o.Apply.Planned = func(cs diff.ChangeSet) { warnPlan(streams.ErrOut, cs) }
	o.Apply.Progress = progressPrinter(out, o.Output, dryRunSuffix(o.Apply.DryRun))
	var waiting *waitPrinter
	if o.Apply.Wait {
		waiting = newWaitPrinter(streams.ErrOut)
		o.Apply.WaitProgress = waiting.update
	}
	res, rev, err := history.Apply(ctx, clients, set, history.ApplyOptions{Apply: o.Apply, Source: source, Limit: o.HistoryLimit, Warn: warner(streams.ErrOut)})
	if waiting != nil {
		waiting.finish()
	}
	if rev != nil {
		fmt.Fprintf(streams.ErrOut, "recorded revision %d of applyset %s (converge history --applyset %s)\n", rev.Number, o.Apply.ApplySet.Name, o.Apply.ApplySet.Name)
	}
	if o.Apply.KeepObjects {
		if perr := printObjects(out, o.Output, res); perr != nil && err == nil {
			err = perr
		}
	}
	return err
}

// defaultCause fills in the change-cause when none was given and, for an
// ApplySet, reads where the manifests come from, for its revision.
func defaultCause(o *applyOptions) history.Source {
	paths, args := inputPaths(o.Load), commandLine(os.Args)
	if o.Prune.ApplySet == "" {
		if o.Apply.ChangeCause == "" {
			o.Apply.ChangeCause = history.DefaultCause(paths, args)
		}
		return history.Source{}
	}
	cause, source := history.CauseAndSource(paths, args)
	if o.Apply.ChangeCause == "" {
		o.Apply.ChangeCause = cause
	}
	return source
}

// warner prints a warning that does not fail the command.
func warner(w io.Writer) func(string) {
	return func(msg string) { fmt.Fprintln(w, "warning:", msg) }
}

// checkServerSide applies kubectl's rules for --server-side.
func checkServerSide(serverSide, forceConflicts, force bool, dry apply.DryRun) error {
	switch {
	case forceConflicts && !serverSide:
		return fmt.Errorf("--force-conflicts only works with --server-side")
	case serverSide && force:
		return fmt.Errorf("--force cannot be used with --server-side: use --force-conflicts to take over fields, or apply client-side to re-create objects")
	case serverSide && dry == apply.DryRunClient:
		return fmt.Errorf("--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)")
	}
	return nil
}

func dryRunSuffix(d apply.DryRun) string {
	switch d {
	case apply.DryRunClient:
		return " (dry run)"
	case apply.DryRunServer:
		return " (server dry run)"
	}
	return ""
}

// validation holds the --validate settings shared by apply and diff:
// Validate is false with --validate=false; Warn prints problems and goes on.
type validation struct {
	Validate, Warn bool
	Schemas        schemaOptions
}

// validation reads --validate and the schema flags of apply and diff.
func (f schemaFlags) validation(validateFlag string) (validation, error) {
	so, err := f.toOptions()
	if err != nil {
		return validation{}, err
	}
	validate, warn, err := parseValidate(validateFlag)
	if err != nil {
		return validation{}, err
	}
	return validation{Validate: validate, Warn: warn, Schemas: so.beforeSend()}, nil
}

// validateSet checks the whole set against the schemas; with
// --validate=true any problem stops the command before anything is sent.
// prefix starts the error, such as "nothing was applied".
func validateSet(ctx context.Context, config *genericclioptions.ConfigFlags, v validation, set manifests.Set, streams genericiooptions.IOStreams, prefix string) error {
	if !v.Validate {
		return nil
	}
	cat, err := v.Schemas.base(ctx, config)
	if err != nil {
		return fmt.Errorf("%s: validate: %w; pass --validate=false to skip validation", prefix, err)
	}
	problems := cat.CheckSet(ctx, set, v.Schemas.Validate)
	if len(problems) == 0 {
		return nil
	}
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = "  " + p.Error()
	}
	if v.Warn {
		fmt.Fprintf(streams.ErrOut, "warning: %d validation problem(s):\n%s\n", len(problems), strings.Join(msgs, "\n"))
		return nil
	}
	return fmt.Errorf("%s: %d validation problem(s):\n%s", prefix, len(problems), strings.Join(msgs, "\n"))
}

// inputPaths are the paths an apply reads: -f's, or -k's directory.
func inputPaths(o manifests.Options) []string {
	if o.Kustomize != "" {
		return []string{o.Kustomize}
	}
	return o.Paths
}

// credentialFlags take a credential as their value; a change-cause, which
// anyone who can read the object sees, never holds it.
var credentialFlags = map[string]bool{"--token": true, "--password": true, "--username": true}

// commandLine is the command as a change-cause: "converge" and its
// arguments, with the values of credential flags redacted.
func commandLine(args []string) []string {
	if len(args) == 0 {
		return nil
	}
	out := []string{"converge"}
	for i := 1; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(a, "=")
		switch {
		case credentialFlags[name] && hasValue:
			a = name + "=<redacted>"
		case credentialFlags[a] && i+1 < len(args):
			out = append(out, a)
			a = "<redacted>"
			i++
		case strings.Contains(a, "://"):
			// A URL, such as a --schema-location, may carry a token.
			a = schemas.RedactLocation(a)
		}
		out = append(out, a)
	}
	return out
}
