package diff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"
)

var (
	gvkConfigMap  = schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
	gvkDeployment = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	gvkWidget     = schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"}
)

// fromYAML parses a YAML manifest into an object.
func fromYAML(t *testing.T, s string) *unstructured.Unstructured {
	t.Helper()
	js, err := yaml.YAMLToJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(js); err != nil {
		t.Fatal(err)
	}
	return u
}

// liveOf returns what the cluster holds after kubectl applied the given
// object: the object with its last-applied annotation and server-set fields.
// mutate, when set, changes the live object as another actor would.
func liveOf(t *testing.T, applied *unstructured.Unstructured, mutate func(map[string]any)) *unstructured.Unstructured {
	t.Helper()
	live, err := withLastApplied(applied)
	if err != nil {
		t.Fatal(err)
	}
	live.SetUID("3f1c2a4e-0000-4000-8000-000000000001")
	live.SetResourceVersion("42")
	if mutate != nil {
		mutate(live.Object)
	}
	return live
}

// patchInputs is the input to threeWay for one scenario, built as
// Planner.patch builds it.
type patchInputs struct {
	original, modified, current []byte
	// newLastApplied is the last-applied annotation the patch sets.
	newLastApplied string
}

func inputs(t *testing.T, live, desired *unstructured.Unstructured) patchInputs {
	t.Helper()
	modified, err := modifiedConfiguration(desired, true)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := modifiedConfiguration(desired, false)
	if err != nil {
		t.Fatal(err)
	}
	current, err := encode(live.Object)
	if err != nil {
		t.Fatal(err)
	}
	return patchInputs{
		original:       originalConfiguration(live),
		modified:       modified,
		current:        current,
		newLastApplied: string(plain),
	}
}

const (
	cmAB = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: default
data:
  a: "1"
  b: "2"
`
	cmA = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: default
data:
  a: "1"
`
	cmA2 = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: default
data:
  a: "2"
`
	deployTwoEnv = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
`
	deployOneEnv = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - {name: A, value: "1"}
`
	widgetAB = `
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: default
spec:
  a: 1
  b: 2
  items: [x, y]
`
	widgetA = `
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: default
spec:
  a: 1
  items: [x]
`
)

func TestThreeWay(t *testing.T) {
	setData := func(key, value string) func(map[string]any) {
		return func(o map[string]any) { o["data"].(map[string]any)[key] = value }
	}
	tests := []struct {
		name string
		gvk  schema.GroupVersionKind
		// applied is what was last applied, desired what is applied now.
		applied, desired string
		// mutate changes the live object as another actor would.
		mutate func(map[string]any)
		// noLastApplied drops the annotation from the live object, as if it
		// had been created without apply.
		noLastApplied bool
		// want is the expected patch; $LA stands for the JSON string of the
		// new last-applied configuration.
		want     string
		wantType types.PatchType
		// wantPreconditionFailed expects jsonmergepatch to refuse the patch.
		wantPreconditionFailed bool
	}{
		{
			name:     "ConfigMap key removed gives a strategic merge patch with null",
			gvk:      gvkConfigMap,
			applied:  cmAB,
			desired:  cmA,
			want:     `{"data":{"b":null},"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":$LA}}}`,
			wantType: types.StrategicMergePatchType,
		},
		{
			name:     "ConfigMap unchanged gives {}",
			gvk:      gvkConfigMap,
			applied:  cmA,
			desired:  cmA,
			want:     `{}`,
			wantType: types.StrategicMergePatchType,
		},
		{
			name:     "ConfigMap value changed",
			gvk:      gvkConfigMap,
			applied:  cmA,
			desired:  cmA2,
			want:     `{"data":{"a":"2"},"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":$LA}}}`,
			wantType: types.StrategicMergePatchType,
		},
		{
			name:     "ConfigMap key added by another actor is kept",
			gvk:      gvkConfigMap,
			applied:  cmA,
			desired:  cmA,
			mutate:   setData("c", "3"),
			want:     `{}`,
			wantType: types.StrategicMergePatchType,
		},
		{
			name:     "ConfigMap value drifted in the cluster is restored",
			gvk:      gvkConfigMap,
			applied:  cmA,
			desired:  cmA,
			mutate:   setData("a", "9"),
			want:     `{"data":{"a":"1"}}`,
			wantType: types.StrategicMergePatchType,
		},
		{
			name:          "live object without last-applied: nothing is removed",
			gvk:           gvkConfigMap,
			applied:       cmAB,
			desired:       cmA,
			noLastApplied: true,
			want:          `{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":$LA}}}`,
			wantType:      types.StrategicMergePatchType,
		},
		{
			name:     "Deployment env var removed uses the merge key",
			gvk:      gvkDeployment,
			applied:  deployTwoEnv,
			desired:  deployOneEnv,
			want:     `{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":$LA}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"$setElementOrder/env":[{"name":"A"}],"env":[{"$patch":"delete","name":"B"}],"name":"web"}]}}}}`,
			wantType: types.StrategicMergePatchType,
		},
		{
			name:     "Deployment unchanged gives {}",
			gvk:      gvkDeployment,
			applied:  deployOneEnv,
			desired:  deployOneEnv,
			want:     `{}`,
			wantType: types.StrategicMergePatchType,
		},
		{
			name:     "unknown kind gets a JSON merge patch that removes with null and replaces lists",
			gvk:      gvkWidget,
			applied:  widgetAB,
			desired:  widgetA,
			want:     `{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":$LA}},"spec":{"b":null,"items":["x"]}}`,
			wantType: types.MergePatchType,
		},
		{
			name:     "unknown kind unchanged gives {}",
			gvk:      gvkWidget,
			applied:  widgetA,
			desired:  widgetA,
			want:     `{}`,
			wantType: types.MergePatchType,
		},
		{
			name:    "unknown kind with a changed name fails its precondition",
			gvk:     gvkWidget,
			applied: widgetA,
			desired: `
apiVersion: example.com/v1
kind: Widget
metadata:
  name: other
  namespace: default
spec:
  a: 1
  items: [x]
`,
			wantPreconditionFailed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live := liveOf(t, fromYAML(t, tt.applied), tt.mutate)
			if tt.noLastApplied {
				live.SetAnnotations(nil)
			}
			in := inputs(t, live, fromYAML(t, tt.desired))
			patch, pt, err := threeWay(tt.gvk, in.original, in.modified, in.current)
			if tt.wantPreconditionFailed {
				// jsonmergepatch reports a failed precondition with a plain
				// error (kubectl's IsPreconditionFailed check never matches
				// it), so the message is what identifies it.
				if err == nil || !strings.HasPrefix(err.Error(), "precondition failed for:") {
					t.Fatalf("threeWay error = %v, want a precondition failure", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("threeWay: %v", err)
			}
			want := strings.ReplaceAll(tt.want, "$LA", jsonString(t, in.newLastApplied))
			if diff := cmp.Diff(want, string(patch)); diff != "" {
				t.Errorf("threeWay patch mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantType, pt); diff != "" {
				t.Errorf("threeWay patch type mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyPatch(t *testing.T) {
	tests := []struct {
		name             string
		gvk              schema.GroupVersionKind
		applied, desired string
		mutate           func(map[string]any)
		// want is the predicted object without its annotations; the
		// last-applied annotation is checked separately.
		want string
	}{
		{
			name:    "ConfigMap key removed",
			gvk:     gvkConfigMap,
			applied: cmAB,
			desired: cmA,
			want: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: default
  uid: 3f1c2a4e-0000-4000-8000-000000000001
  resourceVersion: "42"
data:
  a: "1"
`,
		},
		{
			name:    "ConfigMap drift restored, foreign key kept",
			gvk:     gvkConfigMap,
			applied: cmA,
			desired: cmA,
			mutate: func(o map[string]any) {
				o["data"] = map[string]any{"a": "9", "c": "3"}
			},
			want: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: default
  uid: 3f1c2a4e-0000-4000-8000-000000000001
  resourceVersion: "42"
data:
  a: "1"
  c: "3"
`,
		},
		{
			name:    "Deployment env var removed",
			gvk:     gvkDeployment,
			applied: deployTwoEnv,
			desired: deployOneEnv,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  uid: 3f1c2a4e-0000-4000-8000-000000000001
  resourceVersion: "42"
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - {name: A, value: "1"}
`,
		},
		{
			name:    "unknown kind field removed and list replaced, foreign field kept",
			gvk:     gvkWidget,
			applied: widgetAB,
			desired: widgetA,
			mutate: func(o map[string]any) {
				o["spec"].(map[string]any)["c"] = int64(3)
				o["status"] = map[string]any{"ready": true}
			},
			want: `
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: default
  uid: 3f1c2a4e-0000-4000-8000-000000000001
  resourceVersion: "42"
spec:
  a: 1
  c: 3
  items: [x]
status:
  ready: true
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live := liveOf(t, fromYAML(t, tt.applied), tt.mutate)
			desired := fromYAML(t, tt.desired)
			in := inputs(t, live, desired)
			patch, pt, err := threeWay(tt.gvk, in.original, in.modified, in.current)
			if err != nil {
				t.Fatalf("threeWay: %v", err)
			}
			before := live.DeepCopy()
			got, err := applyPatch(tt.gvk, live, in.current, patch, pt)
			if err != nil {
				t.Fatalf("applyPatch: %v", err)
			}
			if diff := cmp.Diff(before.Object, live.Object); diff != "" {
				t.Errorf("applyPatch changed the live object (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(in.newLastApplied, got.GetAnnotations()[LastAppliedAnnotation]); diff != "" {
				t.Errorf("predicted last-applied annotation mismatch (-want +got):\n%s", diff)
			}
			got.SetAnnotations(nil)
			want := fromYAML(t, tt.want)
			if diff := cmp.Diff(want.Object, got.Object); diff != "" {
				t.Errorf("applyPatch result mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyPatchEmptyPatchKeepsCurrent(t *testing.T) {
	tests := []struct {
		name string
		gvk  schema.GroupVersionKind
		pt   types.PatchType
	}{
		{name: "strategic", gvk: gvkConfigMap, pt: types.StrategicMergePatchType},
		{name: "merge", gvk: gvkWidget, pt: types.MergePatchType},
	}
	current := []byte(`{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"name":"c"}}`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live := &unstructured.Unstructured{}
			if err := live.UnmarshalJSON(current); err != nil {
				t.Fatal(err)
			}
			got, err := applyPatch(tt.gvk, live, current, []byte("{}"), tt.pt)
			if err != nil {
				t.Fatalf("applyPatch: %v", err)
			}
			if diff := cmp.Diff(live.Object, got.Object); diff != "" {
				t.Errorf("applyPatch({}) changed the object (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyPatchStrategicUnknownKind(t *testing.T) {
	_, err := applyPatch(gvkWidget, &unstructured.Unstructured{Object: map[string]any{}}, []byte(`{}`), []byte(`{"spec":{"a":1}}`), types.StrategicMergePatchType)
	if err == nil {
		t.Fatal("applyPatch with a strategic merge patch for an unregistered kind succeeded, want an error")
	}
}
