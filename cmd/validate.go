package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/convergehq/converge/manifests"
	"github.com/convergehq/converge/schemas"
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// Exit codes of validate: 0 valid, 1 invalid, 2 usage or internal error.
const (
	exitInvalid = 1
	exitUsage   = 2
)

// schemaFlags choose and tune schema validation; apply and validate share
// them.
type schemaFlags struct {
	KubernetesVersion    string
	Schemas              string
	Strict               bool
	IgnoreMissingSchemas bool
	// Locations and CRDs add schemas of custom resources.
	Locations, CRDs []string
}

func (f *schemaFlags) add(cmd *cobra.Command, defaultSource string) {
	fl := cmd.Flags()
	fl.StringVar(&f.KubernetesVersion, "kubernetes-version", "", fmt.Sprintf("Kubernetes version of the bundled schemas %v (default newest)", schemas.BundledVersions()))
	fl.StringVar(&f.Schemas, "schemas", defaultSource, `"bundled" (offline) or "cluster" (the target cluster's /openapi/v3, CRDs included)`)
	fl.BoolVar(&f.Strict, "strict", true, "unknown fields and duplicate keys are errors, as kubectl --validate=strict")
	fl.BoolVar(&f.IgnoreMissingSchemas, "ignore-missing-schemas", false, "count objects without a schema as unchecked instead of failing")
	fl.StringArrayVar(&f.Locations, "schema-location", nil, "kubeconform-compatible schemas for kinds the schemas lack, tried in order: a directory, an http(s) URL, or a template such as 'dir/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json' (the CRDs-catalog layout); repeatable")
	fl.StringSliceVar(&f.CRDs, "crds", nil, "files or directories of CustomResourceDefinitions whose schemas check custom resources; repeatable")
}

// schemaOptions are validated schema settings.
type schemaOptions struct {
	Version  string
	Live     bool
	Validate schemas.Options
	// Sources are the --crds and --schema-location schemas.
	Sources schemas.Sources
	// IgnoreMissing is --ignore-missing-schemas as given, which
	// beforeSend may override in Validate.
	IgnoreMissing bool
}

func (f schemaFlags) toOptions() (schemaOptions, error) {
	o := schemaOptions{Version: f.KubernetesVersion, Validate: schemas.Options{Strict: f.Strict, IgnoreMissingSchemas: f.IgnoreMissingSchemas}, IgnoreMissing: f.IgnoreMissingSchemas,
		Sources: schemas.Sources{CRDs: f.CRDs, Locations: f.Locations,
			Location: schemas.LocationOptions{KubernetesVersion: f.KubernetesVersion, Strict: f.Strict}}}
	switch f.Schemas {
	case "", "bundled":
	case "cluster":
		if f.KubernetesVersion != "" {
			return o, fmt.Errorf("--kubernetes-version picks bundled schemas; it cannot be used with --schemas=cluster")
		}
		o.Live = true
	default:
		return o, fmt.Errorf("invalid --schemas %q: use bundled or cluster", f.Schemas)
	}
	return o, nil
}

// beforeSend adjusts validation for apply and diff: with the cluster's own
// schemas, an object the cluster has no schema for is left to the planner,
// which names kinds the cluster does not serve (a CRD installed moments ago
// may not be in /openapi/v3 yet, and the server validates its objects).
func (o schemaOptions) beforeSend() schemaOptions {
	if o.Live {
		o.Validate.IgnoreMissingSchemas = true
	}
	return o
}

// base returns the schemas to validate against, without the set's CRDs:
// bundled, or the cluster's, plus --crds and --schema-location.
func (o schemaOptions) base(ctx context.Context, config *genericclioptions.ConfigFlags) (*schemas.Catalog, error) {
	if !o.Live {
		return o.offline(ctx)
	}
	dc, err := config.ToDiscoveryClient()
	if err != nil {
		return nil, fmt.Errorf("connect to the cluster for its schemas: %w", err)
	}
	cat, err := schemas.Live(ctx, dc)
	if err != nil {
		return nil, err
	}
	return cat.With(ctx, o.Sources)
}

// offline returns the bundled schemas plus --crds and --schema-location.
func (o schemaOptions) offline(ctx context.Context) (*schemas.Catalog, error) {
	cat, err := schemas.Bundled(o.Version)
	if err != nil {
		return nil, err
	}
	return cat.With(ctx, o.Sources)
}

// validateFlags are the raw flag values of `converge validate`.
type validateFlags struct {
	manifestFlags
	schemaFlags
	Output string
}

type validateOptions struct {
	Load    manifests.Options
	Schemas schemaOptions
	Output  string
}

// toOptions validates flags. It is pure.
func (f validateFlags) toOptions() (validateOptions, error) {
	load, err := f.manifestFlags.toOptions()
	if err != nil {
		return validateOptions{}, err
	}
	so, err := f.schemaFlags.toOptions()
	if err != nil {
		return validateOptions{}, err
	}
	switch f.Output {
	case "text", "json", "junit":
	default:
		return validateOptions{}, fmt.Errorf("invalid -o %q: use text, json or junit", f.Output)
	}
	return validateOptions{Load: load, Schemas: so, Output: f.Output}, nil
}

func newValidateCommand(config *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	var f validateFlags
	cmd := &cobra.Command{
		Use:   "validate (-f FILENAME | -k DIR)",
		Short: "Validate manifests against Kubernetes OpenAPI schemas, offline or against the cluster",
		Long: `Validate checks every object against the OpenAPI schemas of a Kubernetes
version, as strictly as the API server: unknown fields, wrong types, missing
required fields, bad enums and formats, duplicate keys in keyed lists. Custom
resources are checked against CustomResourceDefinitions in the same set or
passed with --crds, or against kubeconform-compatible JSON schemas found at a
--schema-location (such as a copy of the CRDs-catalog).

Exit status: 0 valid, 1 invalid, 2 usage or internal error.`,
		Example: `  converge validate -f examples/flask
  converge validate -k overlays/prod --kubernetes-version 1.35 -o junit > report.xml
  converge validate -f crs/ --schemas=cluster
  converge validate -f crs/ --crds charts/cert-manager/crds
  converge validate -f crs/ --schema-location 'catalog/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.toOptions()
			if err != nil {
				return &ExitError{Code: exitUsage, Err: err}
			}
			o.Load.Stdin = streams.In
			return runValidate(cmd.Context(), config, o, streams)
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &ExitError{Code: exitUsage, Err: err} })
	f.manifestFlags.add(cmd.Flags(), "validate")
	f.schemaFlags.add(cmd, "bundled")
	cmd.Flags().StringVarP(&f.Output, "output", "o", "text", "output format: text, json or junit")
	return cmd
}

func runValidate(ctx context.Context, config *genericclioptions.ConfigFlags, o validateOptions, streams genericiooptions.IOStreams) error {
	base := func(ctx context.Context) (*schemas.Catalog, error) { return o.Schemas.base(ctx, config) }
	report, err := schemas.ValidateLoad(ctx, o.Load, base, o.Schemas.Validate)
	var catErr *schemas.CatalogError
	if err != nil && !errors.As(err, &catErr) {
		return &ExitError{Code: exitInvalid, Err: err}
	}
	printWarnings(streams.ErrOut, report.Set)
	if catErr != nil {
		return &ExitError{Code: exitUsage, Err: catErr.Err}
	}
	switch o.Output {
	case "json":
		err = report.WriteJSON(streams.Out)
	case "junit":
		err = report.WriteJUnit(streams.Out)
	default:
		err = report.WriteText(streams.Out)
	}
	if err != nil {
		return &ExitError{Code: exitUsage, Err: err}
	}
	unchecked := report.Result.Unfetched()
	invalid := len(report.Result.Problems) - unchecked
	switch {
	case invalid > 0:
		return &ExitError{Code: exitInvalid, Err: fmt.Errorf("validation failed with %d problem(s); fix the manifests at the places named above", invalid)}
	case unchecked > 0:
		return &ExitError{Code: exitUsage, Err: fmt.Errorf("%d object(s) not checked: their schema could not be fetched", unchecked)}
	}
	return nil
}
