package schemas

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/convergehq/converge/manifests"
	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// secretYAML is a Secret with the given fields besides its metadata.
func secretYAML(body string) string {
	return "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: shop}\n" + body
}

// configMapYAML is a ConfigMap with the given fields besides its metadata.
func configMapYAML(body string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n" + body
}

// hiddenValueCase validates one manifest and expects exact findings, and
// that no rendered problem shows any of hidden.
type hiddenValueCase struct {
	name   string
	yaml   string
	want   []finding
	hidden []string
}

func TestSecretValuesAreNeverShown(t *testing.T) {
	const note = " (the value of a Secret is never shown)"
	runHidden(t, []hiddenValueCase{
		{
			name:   "stringData integer",
			yaml:   secretYAML("stringData: {password: 12345678}\n"),
			want:   []finding{{"stringData.password", "must be string, got integer" + note}},
			hidden: []string{"12345678"},
		},
		{
			name:   "data not base64",
			yaml:   secretYAML("data: {token: \"hunter2 hunter2\"}\n"),
			want:   []finding{{"data.token", "must be base64-encoded: illegal data at input byte 7; put plain text in stringData instead" + note}},
			hidden: []string{"hunter2"},
		},
		{
			name: "data of the wrong type",
			yaml: secretYAML("data: {count: 987654321, ratio: 3.14159, flag: true}\n"),
			want: []finding{
				{"data.count", "must be string, got integer" + note},
				{"data.flag", "must be string, got boolean" + note},
				{"data.ratio", "must be string, got number" + note},
			},
			hidden: []string{"987654321", "3.14159", "true"},
		},
		{
			name: "nested values",
			yaml: secretYAML("stringData: {config: {user: admin-user-x, pass: s3cr3t-nested}}\ndata: {list: [s3cr3t-item]}\n"),
			want: []finding{
				{"data.list", "must be string, got array" + note},
				{"stringData.config", "must be string, got object" + note},
			},
			hidden: []string{"admin-user-x", "s3cr3t-nested", "s3cr3t-item"},
		},
		{
			name:   "data not a map",
			yaml:   secretYAML("data: s3cr3t-whole\nstringData: [s3cr3t-listed]\n"),
			want:   []finding{{"data", "must be object, got string" + note}, {"stringData", "must be object, got array" + note}},
			hidden: []string{"s3cr3t-whole", "s3cr3t-listed"},
		},
		{
			name:   "keys are shown",
			yaml:   secretYAML("stringData: {db.password: 5551234}\n"),
			want:   []finding{{"stringData[db.password]", "must be string, got integer" + note}},
			hidden: []string{"5551234"},
		},
		{
			name: "other fields of a Secret show their values",
			yaml: secretYAML("type: 42\nimmutable: \"yes\"\n"),
			want: []finding{{"immutable", `must be boolean, got string "yes"`}, {"type", "must be string, got integer 42"}},
		},
		{
			name: "ConfigMap values are shown",
			yaml: configMapYAML("data: {password: 12345678, config: {user: admin-user-x}}\nbinaryData: {token: \"hunter2 hunter2\"}\n"),
			want: []finding{
				{"binaryData.token", "must be base64-encoded: illegal data at input byte 7 (put plain text in stringData instead)"},
				{"data.config", "must be string, got object"},
				{"data.password", "must be string, got integer 12345678"},
			},
		},
	})
}

func runHidden(t *testing.T, tests []hiddenValueCase) {
	t.Helper()
	cat := newest(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := cat.Validate(context.Background(), loadYAML(t, tt.yaml), Options{Strict: true})
			if diff := cmp.Diff(tt.want, findings(res.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			for _, p := range res.Problems {
				assertHidden(t, p.Error(), tt.hidden)
			}
		})
	}
}

// assertHidden fails when out shows any of values.
func assertHidden(t *testing.T, out string, values []string) {
	t.Helper()
	for _, v := range values {
		if strings.Contains(out, v) {
			t.Errorf("shows the secret value %q:\n%s", v, out)
		}
	}
}

// TestSecretValuesInNoReportFormat checks every output of validate: text,
// JSON and JUnit.
func TestSecretValuesInNoReportFormat(t *testing.T) {
	load := manifests.Options{Paths: []string{"-"}, Stdin: strings.NewReader(secretYAML("stringData: {password: 12345678}\ndata: {token: \"hunter2 hunter2\"}\n"))}
	r, err := ValidateLoad(context.Background(), load, func(context.Context) (*Catalog, error) { return newest(t), nil }, Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"text":  func(b *bytes.Buffer) error { return r.WriteText(b) },
		"json":  func(b *bytes.Buffer) error { return r.WriteJSON(b) },
		"junit": func(b *bytes.Buffer) error { return r.WriteJUnit(b) },
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			assertHidden(t, b.String(), []string{"12345678", "hunter2"})
			for _, want := range []string{"stringData.password", "data.token", "must be string, got integer", "must be base64-encoded", "never shown"} {
				if !strings.Contains(b.String(), want) {
					t.Errorf("lacks %q:\n%s", want, b.String())
				}
			}
		})
	}
}

// TestHiddenReasons checks the reason of every kind of error about a
// value of a Secret, including those its schema cannot give.
func TestHiddenReasons(t *testing.T) {
	const note = " (the value of a Secret is never shown)"
	const value = "s3cr3t-value"
	root := map[string]any{"stringData": map[string]any{"pw": value}}
	loc := []string{"stringData", "pw"}
	leaf := func(k jsonschema.ErrorKind) *jsonschema.ValidationError {
		return &jsonschema.ValidationError{InstanceLocation: loc, ErrorKind: k}
	}
	rat := func(n int64) *big.Rat { return big.NewRat(n, 1) }
	tests := []struct {
		name string
		err  *jsonschema.ValidationError
		want []issue
	}{
		{"enum", leaf(&kind.Enum{Got: value, Want: []any{"a", "b"}}), []issue{{loc, `must be one of "a", "b"` + note}}},
		{"pattern", leaf(&kind.Pattern{Got: value, Want: "^[a-z]+$"}), []issue{{loc, "must match the pattern ^[a-z]+$" + note}}},
		{"const", leaf(&kind.Const{Got: value, Want: "a"}), []issue{{loc, `fails the "const" rule of its schema` + note}}},
		{"own format", leaf(&kind.Format{Got: value, Want: "uuid", Err: checkUUID(value)}), []issue{{loc, "must be a UUID" + note}}},
		{"other format", leaf(&kind.Format{Got: value, Want: "email", Err: errors.New(value + " is not an email")}), []issue{{loc, `must be in the "email" format` + note}}},
		{"min length", leaf(&kind.MinLength{Got: 12, Want: 16}), []issue{{loc, "must be at least 16 characters long" + note}}},
		{"maximum", leaf(&kind.Maximum{Got: rat(31337), Want: rat(10)}), []issue{{loc, "must be at most 10" + note}}},
		{"multiple of", leaf(&kind.MultipleOf{Got: rat(31337), Want: rat(2)}), []issue{{loc, `fails the "multipleOf" rule of its schema` + note}}},
		{"false schema", leaf(&kind.FalseSchema{}), []issue{{loc, "is not allowed by its schema" + note}}},
		{"duplicate entry", leaf(&duplicateEntry{Index: 1, Reason: "duplicate entry " + value, Rule: "duplicate entry in a list of unique values"}),
			[]issue{{append(slices.Clone(loc), "1"), "duplicate entry in a list of unique values" + note}}},
		{"alternatives", &jsonschema.ValidationError{InstanceLocation: loc, ErrorKind: &kind.AnyOf{}, Causes: []*jsonschema.ValidationError{
			leaf(&kind.Type{Got: "string", Want: []string{"integer"}}),
			leaf(&kind.Enum{Got: value, Want: []any{"a"}}),
		}}, []issue{{loc, `must match one of the allowed forms: must be integer, got string; or must be one of "a"` + note}}},
	}
	w := walker{root: root, strict: true, secret: true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := w.issues(tt.err, nil)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(issue{})); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
			for _, is := range got {
				assertHidden(t, is.reason, []string{value, "31337"})
			}
		})
	}
}
