package diff

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// plainConfigMap is kubectl's serialisation of testConfigMap(nil) without the
// last-applied annotation.
const plainConfigMap = `{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"c","namespace":"default"}}` + "\n"

// annotatedConfigMap is kubectl's serialisation of testConfigMap(nil) with the
// last-applied annotation.
const annotatedConfigMap = `{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"data\":{\"a\":\"1\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"c\",\"namespace\":\"default\"}}\n"},"name":"c","namespace":"default"}}` + "\n"

// testConfigMap returns ConfigMap default/c with data a=1 and the given
// annotations (none when nil).
func testConfigMap(annots map[string]any) *unstructured.Unstructured {
	md := map[string]any{"name": "c", "namespace": "default"}
	if annots != nil {
		md["annotations"] = annots
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata":   md,
		"data":       map[string]any{"a": "1"},
	}}
}

// jsonString quotes s as encoding/json does, HTML escaping included.
func jsonString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// kubectlModifiedConfiguration is kubectl's GetModifiedConfiguration
// (k8s.io/kubectl/pkg/util/apply.go) with kubectl apply's codec,
// unstructured.UnstructuredJSONScheme, run on a copy of in. It is the
// reference modifiedConfiguration must match byte for byte.
func kubectlModifiedConfiguration(t *testing.T, in *unstructured.Unstructured, annotate bool) []byte {
	t.Helper()
	obj := in.DeepCopy()
	accessor := meta.NewAccessor()
	codec := unstructured.UnstructuredJSONScheme
	annots, err := accessor.Annotations(obj)
	if err != nil {
		t.Fatal(err)
	}
	if annots == nil {
		annots = map[string]string{}
	}
	delete(annots, LastAppliedAnnotation)
	if err := accessor.SetAnnotations(obj, annots); err != nil {
		t.Fatal(err)
	}
	modified, err := runtime.Encode(codec, obj)
	if err != nil {
		t.Fatal(err)
	}
	if annotate {
		annots[LastAppliedAnnotation] = string(modified)
		if err := accessor.SetAnnotations(obj, annots); err != nil {
			t.Fatal(err)
		}
		if modified, err = runtime.Encode(codec, obj); err != nil {
			t.Fatal(err)
		}
	}
	return modified
}

func TestModifiedConfiguration(t *testing.T) {
	const (
		plainOthers = `{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{"alpha":"2","zeta":"1"},"name":"c","namespace":"default"}}` + "\n"
		plainHTML   = `{"apiVersion":"v1","data":{"a":"\u003cb\u003e \u0026 'q'"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"c","namespace":"default"}}` + "\n"
	)
	htmlConfigMap := testConfigMap(nil)
	htmlConfigMap.Object["data"] = map[string]any{"a": "<b> & 'q'"}
	tests := []struct {
		name     string
		obj      *unstructured.Unstructured
		annotate bool
		// want builds the expected bytes; it may use jsonString.
		want func(t *testing.T) string
	}{
		{
			name: "no annotations",
			obj:  testConfigMap(nil),
			want: func(*testing.T) string { return plainConfigMap },
		},
		{
			name:     "no annotations, annotated",
			obj:      testConfigMap(nil),
			annotate: true,
			want:     func(*testing.T) string { return annotatedConfigMap },
		},
		{
			name: "empty annotations",
			obj:  testConfigMap(map[string]any{}),
			want: func(*testing.T) string { return plainConfigMap },
		},
		{
			name:     "empty annotations, annotated",
			obj:      testConfigMap(map[string]any{}),
			annotate: true,
			want:     func(*testing.T) string { return annotatedConfigMap },
		},
		{
			name: "other annotations are kept with sorted keys",
			obj:  testConfigMap(map[string]any{"zeta": "1", "alpha": "2"}),
			want: func(*testing.T) string { return plainOthers },
		},
		{
			name:     "other annotations are kept with sorted keys, annotated",
			obj:      testConfigMap(map[string]any{"zeta": "1", "alpha": "2"}),
			annotate: true,
			want: func(t *testing.T) string {
				return `{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{"alpha":"2","kubectl.kubernetes.io/last-applied-configuration":` +
					jsonString(t, plainOthers) + `,"zeta":"1"},"name":"c","namespace":"default"}}` + "\n"
			},
		},
		{
			name: "stale last-applied annotation is dropped",
			obj:  testConfigMap(map[string]any{LastAppliedAnnotation: `{"stale":true}` + "\n"}),
			want: func(*testing.T) string { return plainConfigMap },
		},
		{
			name:     "stale last-applied annotation is replaced, not nested",
			obj:      testConfigMap(map[string]any{LastAppliedAnnotation: `{"stale":true}` + "\n"}),
			annotate: true,
			want:     func(*testing.T) string { return annotatedConfigMap },
		},
		{
			name:     "stale last-applied annotation among others",
			obj:      testConfigMap(map[string]any{"zeta": "1", LastAppliedAnnotation: plainConfigMap, "alpha": "2"}),
			annotate: true,
			want: func(t *testing.T) string {
				return `{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{"alpha":"2","kubectl.kubernetes.io/last-applied-configuration":` +
					jsonString(t, plainOthers) + `,"zeta":"1"},"name":"c","namespace":"default"}}` + "\n"
			},
		},
		{
			name: "HTML characters are escaped as encoding/json does",
			obj:  htmlConfigMap,
			want: func(*testing.T) string { return plainHTML },
		},
		{
			name:     "HTML characters are escaped as encoding/json does, annotated",
			obj:      htmlConfigMap,
			annotate: true,
			want: func(t *testing.T) string {
				return `{"apiVersion":"v1","data":{"a":"\u003cb\u003e \u0026 'q'"},"kind":"ConfigMap","metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":` +
					jsonString(t, plainHTML) + `},"name":"c","namespace":"default"}}` + "\n"
			},
		},
		{
			name: "numbers, booleans and nested lists",
			obj: &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "apps/v1",
				"kind":       "Deployment",
				"metadata":   map[string]any{"name": "web", "namespace": "shop", "labels": map[string]any{"app": "web"}},
				"spec": map[string]any{
					"replicas": int64(3),
					"paused":   false,
					"template": map[string]any{"spec": map[string]any{
						"containers": []any{map[string]any{"name": "web", "image": "nginx:1.27"}},
					}},
				},
			}},
			want: func(*testing.T) string {
				return `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":{"app":"web"},"name":"web","namespace":"shop"},"spec":{"paused":false,"replicas":3,"template":{"spec":{"containers":[{"image":"nginx:1.27","name":"web"}]}}}}` + "\n"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.obj.DeepCopy()
			got, err := modifiedConfiguration(tt.obj, tt.annotate)
			if err != nil {
				t.Fatalf("modifiedConfiguration: %v", err)
			}
			if diff := cmp.Diff(tt.want(t), string(got)); diff != "" {
				t.Errorf("modifiedConfiguration(annotate=%v) mismatch (-want +got):\n%s", tt.annotate, diff)
			}
			kubectl := kubectlModifiedConfiguration(t, tt.obj, tt.annotate)
			if diff := cmp.Diff(string(kubectl), string(got)); diff != "" {
				t.Errorf("modifiedConfiguration differs from kubectl's GetModifiedConfiguration (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before.Object, tt.obj.Object); diff != "" {
				t.Errorf("modifiedConfiguration mutated its input (-want +got):\n%s", diff)
			}
		})
	}
}

func TestModifiedConfigurationAnnotationHoldsPlain(t *testing.T) {
	// With annotate, the annotation is exactly the annotate=false bytes,
	// trailing newline included.
	tests := []struct {
		name string
		obj  *unstructured.Unstructured
	}{
		{name: "no annotations", obj: testConfigMap(nil)},
		{name: "other annotations", obj: testConfigMap(map[string]any{"team": "shop"})},
		{name: "stale annotation", obj: testConfigMap(map[string]any{LastAppliedAnnotation: "{}\n"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, err := modifiedConfiguration(tt.obj, false)
			if err != nil {
				t.Fatal(err)
			}
			annotated, err := modifiedConfiguration(tt.obj, true)
			if err != nil {
				t.Fatal(err)
			}
			u := &unstructured.Unstructured{}
			if err := u.UnmarshalJSON(annotated); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(plain), u.GetAnnotations()[LastAppliedAnnotation]); diff != "" {
				t.Errorf("last-applied annotation mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWithLastApplied(t *testing.T) {
	tests := []struct {
		name string
		obj  *unstructured.Unstructured
		want map[string]string
	}{
		{
			name: "no annotations",
			obj:  testConfigMap(nil),
			want: map[string]string{LastAppliedAnnotation: plainConfigMap},
		},
		{
			name: "other annotations are kept",
			obj:  testConfigMap(map[string]any{"team": "shop"}),
			want: map[string]string{
				"team":                "shop",
				LastAppliedAnnotation: `{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{"team":"shop"},"name":"c","namespace":"default"}}` + "\n",
			},
		},
		{
			name: "stale annotation is replaced",
			obj:  testConfigMap(map[string]any{LastAppliedAnnotation: `{"stale":true}`}),
			want: map[string]string{LastAppliedAnnotation: plainConfigMap},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.obj.DeepCopy()
			got, err := withLastApplied(tt.obj)
			if err != nil {
				t.Fatalf("withLastApplied: %v", err)
			}
			if diff := cmp.Diff(tt.want, got.GetAnnotations()); diff != "" {
				t.Errorf("annotations mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before.Object, tt.obj.Object); diff != "" {
				t.Errorf("withLastApplied mutated its input (-want +got):\n%s", diff)
			}
			// Apart from annotations the copy is the input.
			gotRest, beforeRest := got.DeepCopy(), before.DeepCopy()
			gotRest.SetAnnotations(nil)
			beforeRest.SetAnnotations(nil)
			if diff := cmp.Diff(beforeRest.Object, gotRest.Object); diff != "" {
				t.Errorf("withLastApplied changed more than annotations (-want +got):\n%s", diff)
			}
			// What a create sends is what kubectl's annotate=true serialises.
			sent, err := encode(got.Object)
			if err != nil {
				t.Fatal(err)
			}
			modified, err := modifiedConfiguration(tt.obj, true)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(modified), string(sent)); diff != "" {
				t.Errorf("encoded withLastApplied differs from modifiedConfiguration(annotate=true) (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOriginalConfiguration(t *testing.T) {
	tests := []struct {
		name string
		live *unstructured.Unstructured
		want []byte
	}{
		{name: "no annotations", live: testConfigMap(nil), want: nil},
		{name: "other annotations", live: testConfigMap(map[string]any{"team": "shop"}), want: nil},
		{name: "last-applied", live: testConfigMap(map[string]any{LastAppliedAnnotation: plainConfigMap}), want: []byte(plainConfigMap)},
		{name: "empty last-applied", live: testConfigMap(map[string]any{LastAppliedAnnotation: ""}), want: []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, originalConfiguration(tt.live)); diff != "" {
				t.Errorf("originalConfiguration mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDropNullFields(t *testing.T) {
	obj := map[string]any{
		"data":     map[string]any{"LOG_LEVEL": "info", "FEATURE_FLAG": nil},
		"metadata": map[string]any{"labels": nil, "name": "settings"},
		"spec": map[string]any{"containers": []any{
			map[string]any{"name": "c", "env": []any{map[string]any{"name": "A", "value": nil}}, "args": []any{nil, "x"}},
		}},
	}
	want := map[string]any{
		"data":     map[string]any{"LOG_LEVEL": "info"},
		"metadata": map[string]any{"name": "settings"},
		"spec": map[string]any{"containers": []any{
			// Null list items stay, as kubectl keeps them.
			map[string]any{"name": "c", "env": []any{map[string]any{"name": "A"}}, "args": []any{nil, "x"}},
		}},
	}
	dropNullFields(obj)
	if diff := cmp.Diff(want, obj); diff != "" {
		t.Errorf("dropNullFields (-want +got):\n%s", diff)
	}
}
