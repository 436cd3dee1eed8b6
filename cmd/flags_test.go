package cmd

import (
	"strings"
	"testing"

	"github.com/convergehq/converge/apply"
	"github.com/convergehq/converge/diff"
	"github.com/convergehq/converge/schemas"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseValidate(t *testing.T) {
	type out struct{ Validate, Warn bool }
	tests := []struct {
		in      string
		want    out
		wantErr bool
	}{
		{in: "", want: out{Validate: true}},
		{in: "true", want: out{Validate: true}},
		{in: "strict", want: out{Validate: true}},
		{in: "warn", want: out{Validate: true, Warn: true}},
		{in: "false", want: out{}},
		{in: "ignore", want: out{}},
		{in: "maybe", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			v, w, err := parseValidate(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if diff := cmp.Diff(tc.want, out{v, w}); !tc.wantErr && diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSchemaFlags(t *testing.T) {
	tests := []struct {
		name    string
		flags   schemaFlags
		want    schemaOptions
		wantErr string
	}{
		{name: "bundled default version", flags: schemaFlags{Schemas: "bundled", Strict: true},
			want: schemaOptions{Validate: schemas.Options{Strict: true}, Sources: schemas.Sources{Location: schemas.LocationOptions{Strict: true}}}},
		{name: "bundled version", flags: schemaFlags{Schemas: "bundled", KubernetesVersion: "1.35"},
			want: schemaOptions{Version: "1.35", Sources: schemas.Sources{Location: schemas.LocationOptions{KubernetesVersion: "1.35"}}}},
		{name: "crds and locations", flags: schemaFlags{Schemas: "bundled", CRDs: []string{"crds/"}, Locations: []string{"default", "catalog/{{.Group}}/{{.ResourceKind}}.json"}},
			want: schemaOptions{Sources: schemas.Sources{CRDs: []string{"crds/"}, Locations: []string{"default", "catalog/{{.Group}}/{{.ResourceKind}}.json"}}}},
		{name: "cluster", flags: schemaFlags{Schemas: "cluster", IgnoreMissingSchemas: true}, want: schemaOptions{Live: true, Validate: schemas.Options{IgnoreMissingSchemas: true}, IgnoreMissing: true}},
		{name: "cluster with version", flags: schemaFlags{Schemas: "cluster", KubernetesVersion: "1.35"}, wantErr: "cannot be used with --schemas=cluster"},
		{name: "unknown source", flags: schemaFlags{Schemas: "internet"}, wantErr: "use bundled or cluster"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.flags.toOptions()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	if o := (schemaOptions{Live: true}).beforeSend(); !o.Validate.IgnoreMissingSchemas {
		t.Error("apply and diff with cluster schemas must leave kinds without schema to the planner")
	}
	if o := (schemaOptions{}).beforeSend(); o.Validate.IgnoreMissingSchemas {
		t.Error("bundled schemas must keep missing schemas an error")
	}
}

func TestCommandFlagsToOptions(t *testing.T) {
	f := manifestFlags{Filenames: []string{"app/"}}
	tests := []struct {
		name    string
		run     func() error
		wantErr string
	}{
		{name: "validate ok", run: func() error {
			_, err := validateFlags{manifestFlags: f, schemaFlags: schemaFlags{Schemas: "bundled"}, Output: "junit"}.toOptions()
			return err
		}},
		{name: "validate bad output", run: func() error { _, err := validateFlags{manifestFlags: f, Output: "yaml"}.toOptions(); return err }, wantErr: "use text, json or junit"},
		{name: "validate -f and -k", run: func() error {
			_, err := validateFlags{manifestFlags: manifestFlags{Filenames: []string{"a"}, Kustomize: "k"}, Output: "text"}.toOptions()
			return err
		}, wantErr: "cannot be used together"},
		{name: "diff ok", run: func() error {
			_, err := diffFlags{manifestFlags: f, Output: "markdown", Ignore: []string{"Deployment:spec.replicas"}}.toOptions()
			return err
		}},
		{name: "diff bad ignore", run: func() error {
			_, err := diffFlags{manifestFlags: f, Output: "text", Ignore: []string{"spec..x"}}.toOptions()
			return err
		}, wantErr: "invalid --ignore"},
		{name: "diff bad output", run: func() error { _, err := diffFlags{manifestFlags: f, Output: "html"}.toOptions(); return err }, wantErr: "use text, json, markdown or junit"},
		{name: "render json", run: func() error { _, err := renderFlags{manifestFlags: f, Output: "json"}.toOptions(); return err }},
		{name: "render bad output", run: func() error { _, err := renderFlags{manifestFlags: f, Output: "xml"}.toOptions(); return err }, wantErr: "use yaml or json"},
		{name: "-R with -k", run: func() error {
			_, err := renderFlags{manifestFlags: manifestFlags{Kustomize: "k", Recursive: true}}.toOptions()
			return err
		}, wantErr: "-R applies to -f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
	o, err := diffFlags{manifestFlags: f, Output: "text", Force: true, FieldManager: "ci", Concurrency: 4}.toOptions()
	if err != nil || cmp.Diff(apply.Options{Concurrency: 4, FieldManager: "ci", Force: true, ShowPruned: true}, o.Plan, cmpopts.IgnoreFields(apply.Options{}, "Planned", "Progress")) != "" {
		t.Fatalf("diff plan options: %+v, %v", o.Plan, err)
	}
	o, err = diffFlags{manifestFlags: f, Output: "text", Ignore: []string{"/spec/replicas"}, Validate: "false"}.toOptions()
	if err != nil || o.Validation.Validate || cmp.Diff([]diff.IgnoreRule{{Path: []string{"spec", "replicas"}}}, o.Ignore) != "" {
		t.Fatalf("diff options: %+v, %v", o, err)
	}
}
