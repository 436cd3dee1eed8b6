package schemas

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestCustomResources(t *testing.T) {
	set := loadFile(t, "testdata/crd.yaml")
	cat, crdProblems := newest(t).WithCRDs(set)
	if len(crdProblems) > 0 {
		t.Fatalf("WithCRDs: %v", crdProblems)
	}
	res := cat.Validate(context.Background(), set, Options{Strict: true})
	got := map[string][]finding{}
	for _, p := range res.Problems {
		got[p.ID.Name] = append(got[p.ID.Name], finding{p.Path, p.Reason})
	}
	tests := []struct {
		name string
		want []finding
	}{
		{"widgets.example.com", nil},
		{"good", nil},
		{"wrong-type", []finding{{"spec.size", `must be integer, got string "3"`}}},
		{"unknown-field", []finding{{"spec", `unknown field "colour"`}}},
		{"missing-image", []finding{{"spec", `required field "image" is missing`}}},
		{"orphan", []finding{{"", "no schema for example.com/v1, Kind=Gadget in Kubernetes v1.36; add its CustomResourceDefinition to the set or pass it with --crds, add a --schema-location, use --schemas=cluster, or pass --ignore-missing-schemas"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, got[tt.name]); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	if res.Checked != 6 {
		t.Errorf("Checked = %d, want 6", res.Checked)
	}
}

func TestCustomResourceChecks(t *testing.T) {
	widget := func(apiVersion, rest string) string {
		return "apiVersion: " + apiVersion + "\nkind: Widget\n" + rest
	}
	runSemantic(t, withWidgets(t), []semanticCase{
		{"metadata is ObjectMeta", widget("example.com/v1", "metadata: {name: w, labelz: {a: b}, labels: {a: 1}}\nspec: {size: 1, image: x}\n"), []finding{
			{"metadata", `unknown field "labelz"`},
			{"metadata.labels.a", "must be string, got integer 1"},
		}},
		{"name rule", widget("example.com/v1", "metadata: {name: Not_Valid}\nspec: {size: 1, image: x}\n"), []finding{
			{"metadata.name", `invalid name "Not_Valid": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
		}},
		{"value validations", widget("example.com/v1", "metadata: {name: w}\nspec: {size: 11, image: x, memory: 1GB, listeners: [{name: a, port: 99999999999}]}\n"), []finding{
			{"spec.listeners[0].port", "must fit in int32 (-2147483648 to 2147483647), got 99999999999"},
			{"spec.memory", `must match the pattern ^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$, got "1GB"`},
			{"spec.size", "must be at most 10, got 11"},
		}},
		{"oneOf none", widget("example.com/v1", "metadata: {name: w}\nspec: {size: 1, image: x, backup: {}}\n"), []finding{
			{"spec.backup", `must match one of the allowed forms: required field "s3" is missing; or required field "gcs" is missing`},
		}},
		{"oneOf both", widget("example.com/v1", "metadata: {name: w}\nspec: {size: 1, image: x, backup: {s3: a, gcs: b}}\n"), []finding{
			{"spec.backup", "must match exactly one of the allowed forms, but matches forms 1 and 2"},
		}},
		{"oneOf one", widget("example.com/v1", "metadata: {name: w}\nspec: {size: 1, image: x, backup: {gcs: b}}\n"), nil},
		{"unknown root field", widget("example.com/v1", "metadata: {name: w}\nspec: {size: 1, image: x}\nstatus: {ready: true}\nextra: 1\n"), []finding{
			{"", `unknown field "extra"`},
		}},
		{"version not served", widget("example.com/v1beta1", "metadata: {name: w}\n"), []finding{
			{"", "no schema for example.com/v1beta1, Kind=Widget in Kubernetes v1.36 (it is served as example.com/v1); add its CustomResourceDefinition to the set or pass it with --crds, add a --schema-location, use --schemas=cluster, or pass --ignore-missing-schemas"},
		}},
	})
}

func TestWithCRDsKeepsReceiver(t *testing.T) {
	base := newest(t)
	withWidgets(t)
	if gvk := (schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"}); base.Has(gvk) {
		t.Errorf("WithCRDs changed its receiver: base catalog has %s", gvk)
	}
}

// crd is a CustomResourceDefinition of Thing with the given
// openAPIV3Schema, indented to sit under it.
func crd(openAPIV3Schema string) string {
	return fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: things, singular: thing, kind: Thing}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        %s
`, strings.ReplaceAll(openAPIV3Schema, "\n", "\n        "))
}

func TestBadCRDSchemas(t *testing.T) {
	root := "spec.versions[0].schema.openAPIV3Schema"
	tests := []struct {
		name string
		yaml string
		want []finding
	}{
		{"root not an object", crd("type: string"), []finding{{root + ".type", "must be object at the root"}}},
		{"unknown type", crd("type: object\nproperties:\n  size: {type: int}"), []finding{
			{root + ".properties[size].type", `unsupported type "int": use object, array, string, integer, number or boolean`},
		}},
		{"list map without keys", crd("type: object\nproperties:\n  items:\n    type: array\n    x-kubernetes-list-type: map\n    items: {type: object}"), []finding{
			{root + ".properties[items].x-kubernetes-list-map-keys", "must list the key fields of a list of type map"},
		}},
		{"field without type", crd("type: object\nproperties:\n  spec:\n    properties:\n      a: {type: string}"), []finding{
			{root + ".properties[spec].type", "missing: a structural schema gives every field a type, unless it sets x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields"},
		}},
		{"$ref", crd("type: object\nproperties:\n  spec: {type: object, $ref: '#/definitions/Spec'}"), []finding{
			{root + ".properties[spec]", "$ref is not allowed in a CustomResourceDefinition schema"},
		}},
		{"bad pattern", crd("type: object\nproperties:\n  name: {type: string, pattern: '(['}"), []finding{
			{root + ".properties[name].pattern", "invalid pattern \"([\": error parsing regexp: missing closing ]: `[`"},
		}},
		{"no schema", strings.Replace(crd("type: object"), "    schema:\n      openAPIV3Schema:\n        type: object\n", "", 1), []finding{
			{root, "missing: apiextensions.k8s.io/v1 needs a schema for every version"},
		}},
		{"no kind", strings.Replace(crd("type: object"), ", kind: Thing", "", 1), []finding{
			{"spec", "needs group and names.kind to define a kind"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := loadYAML(t, tt.yaml)
			cat, problems := newest(t).WithCRDs(set)
			got := findings(problems)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			for _, p := range problems {
				if p.ID.Kind != "CustomResourceDefinition" || p.ID.Name != "things.example.com" {
					t.Errorf("problem on %v, want the CRD", p.ID)
				}
			}
			if tt.name == "no kind" {
				return
			}
			thing := loadYAML(t, "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\n")
			wantCR := []finding{{"", "no schema for example.com/v1, Kind=Thing: the schema in CustomResourceDefinition things.example.com is invalid; fix the problems reported on it"}}
			if diff := cmp.Diff(wantCR, findings(cat.Validate(context.Background(), thing, Options{}).Problems)); diff != "" {
				t.Errorf("custom resource of the CRD (-want +got):\n%s", diff)
			}
		})
	}
}
