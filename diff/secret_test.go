package diff

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// b64 is how a Secret's data holds a value.
func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// secretForms lists every form in which a leaked secret value could show:
// plain, JSON-escaped, base64 (standard, raw, URL-safe, raw URL-safe), hex,
// and the SHA-256 digest in hex and base64.
func secretForms(v string) map[string]string {
	sum := sha256.Sum256([]byte(v))
	quoted, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return map[string]string{
		"plain":             v,
		"JSON-escaped":      strings.Trim(string(quoted), `"`),
		"base64":            base64.StdEncoding.EncodeToString([]byte(v)),
		"raw base64":        base64.RawStdEncoding.EncodeToString([]byte(v)),
		"URL-safe base64":   base64.URLEncoding.EncodeToString([]byte(v)),
		"raw URL base64":    base64.RawURLEncoding.EncodeToString([]byte(v)),
		"double base64":     b64(b64(v)),
		"hex":               hex.EncodeToString([]byte(v)),
		"upper-case hex":    strings.ToUpper(hex.EncodeToString([]byte(v))),
		"sha256 hex":        hex.EncodeToString(sum[:]),
		"upper sha256 hex":  strings.ToUpper(hex.EncodeToString(sum[:])),
		"sha256 base64":     base64.RawStdEncoding.EncodeToString(sum[:]),
		"sha256 URL base64": base64.RawURLEncoding.EncodeToString(sum[:]),
	}
}

// secretLeaks returns, sorted, the forms in which any of secrets shows in
// out, as "value as form".
func secretLeaks(out string, secrets ...string) []string {
	var leaks []string
	for _, s := range secrets {
		for form, enc := range secretForms(s) {
			if strings.Contains(out, enc) {
				leaks = append(leaks, fmt.Sprintf("%q as %s", s, form))
			}
		}
	}
	sort.Strings(leaks)
	return leaks
}

// assertNoSecret fails the test if out holds any of secrets in any form
// of secretForms.
func assertNoSecret(t *testing.T, what, out string, secrets ...string) {
	t.Helper()
	if leaks := secretLeaks(out, secrets...); len(leaks) > 0 {
		t.Errorf("%s holds secret values: %s\n%s", what, strings.Join(leaks, ", "), out)
	}
}

// TestSecretLeaksDetector checks the detector the masking tests rely on.
func TestSecretLeaksDetector(t *testing.T) {
	const v = "hunter2-Plain"
	sum := sha256.Sum256([]byte(v))
	tests := []struct {
		name     string
		secret   string
		out      string
		wantForm string // a form that must be reported; empty: no leak
	}{
		{name: "clean", secret: v, out: "password: <secret: 13 bytes>"},
		{name: "plain", secret: v, out: "password: hunter2-Plain\n", wantForm: "plain"},
		{name: "base64", secret: v, out: "password: aHVudGVyMi1QbGFpbg==", wantForm: "base64"},
		{name: "raw base64", secret: v, out: `"aHVudGVyMi1QbGFpbg"`, wantForm: "raw base64"},
		{name: "URL-safe base64", secret: "\xfb\xff-URL-safe", out: b64url("\xfb\xff-URL-safe"), wantForm: "URL-safe base64"},
		{name: "hex", secret: v, out: "x 68756e746572322d506c61696e", wantForm: "hex"},
		{name: "sha256", secret: v, out: "sha256:" + hex.EncodeToString(sum[:]), wantForm: "sha256 hex"},
		{name: "JSON-escaped", secret: `{"token":"x"}`, out: `{"v":"{\"token\":\"x\"}"}`, wantForm: "JSON-escaped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := secretLeaks(tt.out, tt.secret)
			if tt.wantForm == "" {
				if len(got) > 0 {
					t.Errorf("secretLeaks(%q) = %q, want none", tt.out, got)
				}
				return
			}
			want := fmt.Sprintf("%q as %s", tt.secret, tt.wantForm)
			if !slices.Contains(got, want) {
				t.Errorf("secretLeaks(%q) = %q, want it to include %q", tt.out, got, want)
			}
		})
	}
}

func b64url(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }

// Secret values of the masking tests. Each is long and distinctive enough
// not to show up by chance.
const (
	secretPassword    = "hunter2-Plain"
	secretPassword2   = "hunter3-Plain" // same length as secretPassword
	secretToken       = `{"token":"c2VjcmV0LXRva2Vu"}`
	secretToken2      = `{"token":"bmV3LXNlY3JldC10b2tlbi12YWx1ZQ=="}`
	secretAdded       = "added-Plain-Value"
	secretRemoved     = "removed-Plain-Value"
	secretStringData  = "stringData-Plain-Value"
	secretAnnotation  = "annotation-Plain-Value"
	secretInnerToken  = "secret-token" // base64 inside secretToken
	secretInnerToken2 = "c2VjcmV0LXRva2Vu"
)

var allSecretValues = []string{secretPassword, secretPassword2, secretToken, secretToken2, secretAdded,
	secretRemoved, secretStringData, secretAnnotation, secretInnerToken, secretInnerToken2}

// secretObj returns Secret shop/db with the given data (plain values,
// stored base64) and stringData, and annotations.
func secretObj(data, stringData map[string]string, annots map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "Secret",
		"type":       "Opaque",
		"metadata":   map[string]any{"name": "db", "namespace": "shop"},
	}}
	if data != nil {
		m := map[string]any{}
		for k, v := range data {
			m[k] = b64(v)
		}
		u.Object["data"] = m
	}
	if stringData != nil {
		m := map[string]any{}
		for k, v := range stringData {
			m[k] = v
		}
		u.Object["stringData"] = m
	}
	if annots != nil {
		u.SetAnnotations(annots)
	}
	return u
}

// maskedSecret is the expected result: Secret shop/db with data and
// stringData placeholders as given, and annotations.
func maskedSecret(data, stringData map[string]string, annots map[string]string) *unstructured.Unstructured {
	u := secretObj(nil, nil, annots)
	if data != nil {
		m := map[string]any{}
		for k, v := range data {
			m[k] = v
		}
		u.Object["data"] = m
	}
	if stringData != nil {
		m := map[string]any{}
		for k, v := range stringData {
			m[k] = v
		}
		u.Object["stringData"] = m
	}
	return u
}

func TestMaskSecrets(t *testing.T) {
	lastApplied := map[string]string{
		LastAppliedAnnotation: `{"apiVersion":"v1","kind":"Secret","stringData":{"password":"` + secretPassword + `","token":"` + b64(secretToken) + `"}}`,
		"team":                "payments",
	}
	redacted := map[string]string{LastAppliedAnnotation: "<redacted: holds secret data>", "team": "payments"}
	tests := []struct {
		name                  string
		before, after         *unstructured.Unstructured
		wantBefore, wantAfter *unstructured.Unstructured
	}{
		{
			name:      "create with data",
			after:     secretObj(map[string]string{"password": secretPassword, "token": secretToken}, nil, nil),
			wantAfter: maskedSecret(map[string]string{"password": "<secret: 13 bytes>", "token": "<secret: 28 bytes>"}, nil, nil),
		},
		{
			name:      "create with stringData",
			after:     secretObj(map[string]string{"password": secretPassword}, map[string]string{"extra": secretStringData}, nil),
			wantAfter: maskedSecret(map[string]string{"password": "<secret: 13 bytes>"}, map[string]string{"extra": "<secret: 22 bytes>"}, nil),
		},
		{
			name:       "delete",
			before:     secretObj(map[string]string{"password": secretPassword}, nil, nil),
			wantBefore: maskedSecret(map[string]string{"password": "<secret: 13 bytes>"}, nil, nil),
		},
		{
			name:       "unchanged values",
			before:     secretObj(map[string]string{"password": secretPassword, "token": secretToken}, nil, nil),
			after:      secretObj(map[string]string{"password": secretPassword, "token": secretToken}, nil, nil),
			wantBefore: maskedSecret(map[string]string{"password": "<secret: 13 bytes>", "token": "<secret: 28 bytes>"}, nil, nil),
			wantAfter:  maskedSecret(map[string]string{"password": "<secret: 13 bytes>", "token": "<secret: 28 bytes>"}, nil, nil),
		},
		{
			name:       "changed, same length",
			before:     secretObj(map[string]string{"password": secretPassword}, nil, nil),
			after:      secretObj(map[string]string{"password": secretPassword2}, nil, nil),
			wantBefore: maskedSecret(map[string]string{"password": "<secret: 13 bytes>"}, nil, nil),
			wantAfter:  maskedSecret(map[string]string{"password": "<secret: 13 bytes, changed>"}, nil, nil),
		},
		{
			name:       "changed, different length",
			before:     secretObj(map[string]string{"token": secretToken}, nil, nil),
			after:      secretObj(map[string]string{"token": secretToken2}, nil, nil),
			wantBefore: maskedSecret(map[string]string{"token": "<secret: 28 bytes>"}, nil, nil),
			wantAfter:  maskedSecret(map[string]string{"token": "<secret: 44 bytes, changed>"}, nil, nil),
		},
		{
			name:       "key added",
			before:     secretObj(map[string]string{"password": secretPassword}, nil, nil),
			after:      secretObj(map[string]string{"password": secretPassword, "api-key": secretAdded}, nil, nil),
			wantBefore: maskedSecret(map[string]string{"password": "<secret: 13 bytes>"}, nil, nil),
			wantAfter:  maskedSecret(map[string]string{"password": "<secret: 13 bytes>", "api-key": "<secret: 17 bytes>"}, nil, nil),
		},
		{
			name:       "key removed",
			before:     secretObj(map[string]string{"password": secretPassword, "legacy": secretRemoved}, nil, nil),
			after:      secretObj(map[string]string{"password": secretPassword}, nil, nil),
			wantBefore: maskedSecret(map[string]string{"password": "<secret: 13 bytes>", "legacy": "<secret: 19 bytes>"}, nil, nil),
			wantAfter:  maskedSecret(map[string]string{"password": "<secret: 13 bytes>"}, nil, nil),
		},
		{
			name:   "added, removed and changed at once",
			before: secretObj(map[string]string{"password": secretPassword, "token": secretToken, "legacy": secretRemoved}, nil, nil),
			after:  secretObj(map[string]string{"password": secretPassword2, "token": secretToken, "api-key": secretAdded}, nil, nil),
			wantBefore: maskedSecret(map[string]string{
				"password": "<secret: 13 bytes>", "token": "<secret: 28 bytes>", "legacy": "<secret: 19 bytes>"}, nil, nil),
			wantAfter: maskedSecret(map[string]string{
				"password": "<secret: 13 bytes, changed>", "token": "<secret: 28 bytes>", "api-key": "<secret: 17 bytes>"}, nil, nil),
		},
		{
			name:       "empty value",
			before:     secretObj(map[string]string{"empty": ""}, nil, nil),
			after:      secretObj(map[string]string{"empty": secretAdded}, nil, nil),
			wantBefore: maskedSecret(map[string]string{"empty": "<secret: 0 bytes>"}, nil, nil),
			wantAfter:  maskedSecret(map[string]string{"empty": "<secret: 17 bytes, changed>"}, nil, nil),
		},
		{
			name:       "last-applied annotation replaced on both sides",
			before:     secretObj(map[string]string{"password": secretPassword}, nil, lastApplied),
			after:      secretObj(map[string]string{"password": secretPassword2}, nil, lastApplied),
			wantBefore: maskedSecret(map[string]string{"password": "<secret: 13 bytes>"}, nil, redacted),
			wantAfter:  maskedSecret(map[string]string{"password": "<secret: 13 bytes, changed>"}, nil, redacted),
		},
		{
			name:       "no data at all",
			before:     secretObj(nil, nil, map[string]string{"team": "payments"}),
			after:      secretObj(nil, nil, map[string]string{"team": "billing"}),
			wantBefore: maskedSecret(nil, nil, map[string]string{"team": "payments"}),
			wantAfter:  maskedSecret(nil, nil, map[string]string{"team": "billing"}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inBefore, inAfter *unstructured.Unstructured
			if tt.before != nil {
				inBefore = tt.before.DeepCopy()
			}
			if tt.after != nil {
				inAfter = tt.after.DeepCopy()
			}
			gotBefore, gotAfter := Masker{}.Mask(tt.before, tt.after)
			if diff := cmp.Diff(tt.wantBefore, gotBefore); diff != "" {
				t.Errorf("masked before (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantAfter, gotAfter); diff != "" {
				t.Errorf("masked after (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(inBefore, tt.before); diff != "" {
				t.Errorf("Mask changed its before input (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(inAfter, tt.after); diff != "" {
				t.Errorf("Mask changed its after input (-want +got):\n%s", diff)
			}
			for name, u := range map[string]*unstructured.Unstructured{"before": gotBefore, "after": gotAfter} {
				js, err := json.Marshal(u)
				if err != nil {
					t.Fatal(err)
				}
				assertNoSecret(t, "masked "+name, string(js), allSecretValues...)
			}
		})
	}
}

func TestMaskNonSecretsPassThrough(t *testing.T) {
	configMap := func(v string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "c", "annotations": map[string]any{LastAppliedAnnotation: `{"data":{"k":"` + v + `"}}`}},
			"data":     map[string]any{"k": v},
		}}
	}
	otherGroupSecret := func(v string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "example.com/v1", "kind": "Secret",
			"metadata": map[string]any{"name": "s"},
			"data":     map[string]any{"k": v},
		}}
	}
	tests := []struct {
		name          string
		before, after *unstructured.Unstructured
	}{
		{name: "ConfigMap update", before: configMap("old"), after: configMap("new")},
		{name: "ConfigMap create", after: configMap("new")},
		{name: "ConfigMap delete", before: configMap("old")},
		{name: "Secret kind of another group", before: otherGroupSecret("old"), after: otherGroupSecret("new")},
		{name: "both nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var wantBefore, wantAfter *unstructured.Unstructured
			if tt.before != nil {
				wantBefore = tt.before.DeepCopy()
			}
			if tt.after != nil {
				wantAfter = tt.after.DeepCopy()
			}
			gotBefore, gotAfter := Masker{}.Mask(tt.before, tt.after)
			if gotBefore != tt.before || gotAfter != tt.after {
				t.Errorf("Mask returned other objects than its inputs for a non-Secret")
			}
			if diff := cmp.Diff(wantBefore, gotBefore); diff != "" {
				t.Errorf("before (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantAfter, gotAfter); diff != "" {
				t.Errorf("after (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNormalizeThenMaskStringData checks the path every report takes: a
// Secret whose new value is written in stringData is folded first, so the
// change of value is flagged.
func TestNormalizeThenMaskStringData(t *testing.T) {
	live := secretObj(map[string]string{"password": secretPassword, "token": secretToken}, nil, nil)
	predicted := secretObj(map[string]string{"password": secretPassword, "token": secretToken},
		map[string]string{"password": secretPassword2, "extra": secretStringData}, nil)
	gotBefore, gotAfter := Masker{}.Mask(Normalize(live, nil), Normalize(predicted, nil))
	wantBefore := maskedSecret(map[string]string{"password": "<secret: 13 bytes>", "token": "<secret: 28 bytes>"}, nil, nil)
	wantAfter := maskedSecret(map[string]string{
		"password": "<secret: 13 bytes, changed>", "token": "<secret: 28 bytes>", "extra": "<secret: 22 bytes>"}, nil, nil)
	if diff := cmp.Diff(wantBefore, gotBefore); diff != "" {
		t.Errorf("before (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantAfter, gotAfter); diff != "" {
		t.Errorf("after (-want +got):\n%s", diff)
	}
}
