package diff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// yamlObj parses one YAML manifest into an object.
func yamlObj(t *testing.T, s string) *unstructured.Unstructured {
	t.Helper()
	js, err := yaml.YAMLToJSON([]byte(s))
	if err != nil {
		t.Fatalf("parse YAML: %v\n%s", err, s)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(js); err != nil {
		t.Fatalf("decode object: %v\n%s", err, s)
	}
	return u
}

func TestParseIgnore(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    IgnoreRule
		wantErr string // a substring of the error; empty means no error
	}{
		{name: "dotted", in: "spec.replicas", want: IgnoreRule{Path: []string{"spec", "replicas"}}},
		{name: "dotted single segment", in: "status", want: IgnoreRule{Path: []string{"status"}}},
		{name: "JSON pointer", in: "/spec/replicas", want: IgnoreRule{Path: []string{"spec", "replicas"}}},
		{name: "JSON pointer ~1 is a slash", in: "/metadata/annotations/example.com~1owner",
			want: IgnoreRule{Path: []string{"metadata", "annotations", "example.com/owner"}}},
		{name: "JSON pointer ~0 is a tilde", in: "/metadata/labels/a~0b",
			want: IgnoreRule{Path: []string{"metadata", "labels", "a~b"}}},
		{name: "JSON pointer ~01 is a literal ~1", in: "/metadata/labels/~01",
			want: IgnoreRule{Path: []string{"metadata", "labels", "~1"}}},
		{name: "JSON pointer keeps dots in a segment", in: "/metadata/labels/app.kubernetes.io~1name",
			want: IgnoreRule{Path: []string{"metadata", "labels", "app.kubernetes.io/name"}}},
		{name: "JSON pointer with a colon is not a kind", in: "/metadata/annotations/a:b",
			want: IgnoreRule{Path: []string{"metadata", "annotations", "a:b"}}},
		{name: "kind and dotted path", in: "Deployment:spec.replicas",
			want: IgnoreRule{Kind: "Deployment", Path: []string{"spec", "replicas"}}},
		{name: "kind and JSON pointer", in: "HorizontalPodAutoscaler:/spec/minReplicas",
			want: IgnoreRule{Kind: "HorizontalPodAutoscaler", Path: []string{"spec", "minReplicas"}}},
		{name: "kind and escaped JSON pointer", in: "Deployment:/metadata/annotations/example.com~1rev",
			want: IgnoreRule{Kind: "Deployment", Path: []string{"metadata", "annotations", "example.com/rev"}}},

		{name: "empty", in: "", wantErr: "the path is empty"},
		{name: "kind without path", in: "Deployment:", wantErr: "the path is empty"},
		{name: "double dot", in: "spec..replicas", wantErr: "invalid --ignore"},
		{name: "leading dot", in: ".spec.replicas", wantErr: "invalid --ignore"},
		{name: "trailing dot", in: "spec.replicas.", wantErr: "invalid --ignore"},
		{name: "lone dot", in: ".", wantErr: "invalid --ignore"},
		{name: "root pointer", in: "/", wantErr: "invalid --ignore"},
		{name: "pointer with empty segment", in: "/spec//replicas", wantErr: "invalid --ignore"},
		{name: "pointer with trailing slash", in: "/spec/", wantErr: "invalid --ignore"},
		{name: "kind with empty dotted segment", in: "Deployment:spec..replicas", wantErr: "invalid --ignore"},
		{name: "kind with root pointer", in: "Deployment:/", wantErr: "invalid --ignore"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIgnore(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseIgnore(%q) = %+v, want an error containing %q", tt.in, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseIgnore(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseIgnore(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseIgnore(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// serverSideDeployment is a live Deployment with every field the server
// owns.
const serverSideDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  uid: 3f1c2a4e-0000-4000-8000-000000000001
  resourceVersion: "4711"
  generation: 3
  creationTimestamp: "2024-05-01T10:00:00Z"
  managedFields:
  - manager: kubectl-client-side-apply
    operation: Update
    apiVersion: apps/v1
  labels:
    app: web
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"apps/v1"}'
    deployment.kubernetes.io/revision: "3"
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
status:
  observedGeneration: 3
  replicas: 3
`

func TestNormalize(t *testing.T) {
	mustRule := func(s string) IgnoreRule {
		r, err := ParseIgnore(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name   string
		in     string
		ignore []string
		want   string
	}{
		{
			name: "server-owned fields and last-applied removed, other annotations kept",
			in:   serverSideDeployment,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
  annotations:
    deployment.kubernetes.io/revision: "3"
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
`,
		},
		{
			name: "annotations left empty are removed",
			in: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{}'
data:
  a: "1"
`,
			want: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  a: "1"
`,
		},
		{
			name: "annotations already empty are removed",
			in: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations: {}
`,
			want: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
`,
		},
		{
			name:   "ignore rule for every kind",
			in:     serverSideDeployment,
			ignore: []string{"spec.replicas", "/metadata/annotations/deployment.kubernetes.io~1revision"},
			want: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
`,
		},
		{
			name:   "ignore rule for the object's kind",
			in:     serverSideDeployment,
			ignore: []string{"Deployment:spec.replicas", "Deployment:/metadata/labels"},
			want: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    deployment.kubernetes.io/revision: "3"
spec:
  template:
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
`,
		},
		{
			name:   "ignore rule kind matches case-insensitively",
			in:     serverSideDeployment,
			ignore: []string{"deployment:spec.replicas"},
			want: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
  annotations:
    deployment.kubernetes.io/revision: "3"
spec:
  template:
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
`,
		},
		{
			name:   "ignore rule for another kind does nothing",
			in:     serverSideDeployment,
			ignore: []string{"StatefulSet:spec.replicas", "ConfigMap:/metadata/labels"},
			want: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
  annotations:
    deployment.kubernetes.io/revision: "3"
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
`,
		},
		{
			name:   "ignore rule for a missing field does nothing",
			in:     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n",
			ignore: []string{"spec.replicas", "data.b", "metadata.labels.app"},
			want:   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n",
		},
		{
			name: "Secret stringData folded into data",
			in: `
apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  password: czNjcmV0
stringData:
  user: admin
`,
			want: `
apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  password: czNjcmV0
  user: YWRtaW4=
`,
		},
		{
			name: "Secret stringData wins over data for the same key",
			in: `
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  password: ZnJvbS1kYXRh
  user: YWRtaW4=
stringData:
  password: from-stringData
`,
			want: `
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  password: ZnJvbS1zdHJpbmdEYXRh
  user: YWRtaW4=
`,
		},
		{
			name: "Secret with only stringData",
			in: `
apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: s3cret
`,
			want: `
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  password: czNjcmV0
`,
		},
		{
			name: "Secret ignore rule applies to folded stringData",
			in: `
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  user: YWRtaW4=
stringData:
  password: s3cret
`,
			ignore: []string{"Secret:data.password"},
			want: `
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  user: YWRtaW4=
`,
		},
		{
			name: "Secret kind of another group is not folded",
			in: `
apiVersion: example.com/v1
kind: Secret
metadata:
  name: db
stringData:
  password: s3cret
`,
			want: `
apiVersion: example.com/v1
kind: Secret
metadata:
  name: db
stringData:
  password: s3cret
`,
		},
		{
			name: "stringData of a non-Secret is kept",
			in: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
stringData:
  a: b
`,
			want: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
stringData:
  a: b
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rules []IgnoreRule
			for _, s := range tt.ignore {
				rules = append(rules, mustRule(s))
			}
			got := Normalize(yamlObj(t, tt.in), rules)
			want := yamlObj(t, tt.want)
			if diff := cmp.Diff(want.Object, got.Object); diff != "" {
				t.Errorf("Normalize (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNormalizeLeavesInputUnchanged(t *testing.T) {
	inputs := map[string]string{
		"deployment": serverSideDeployment,
		"secret": `
apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"stringData":{"password":"s3cret"}}'
data:
  user: YWRtaW4=
stringData:
  password: s3cret
`,
	}
	rules := []IgnoreRule{{Path: []string{"spec", "replicas"}}, {Kind: "Secret", Path: []string{"data", "user"}}}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			obj := yamlObj(t, in)
			before := obj.DeepCopy()
			got := Normalize(obj, rules)
			if diff := cmp.Diff(before.Object, obj.Object); diff != "" {
				t.Errorf("Normalize changed its input (-want +got):\n%s", diff)
			}
			// The result shares no maps with the input.
			got.Object["kind"] = "Changed"
			_ = unstructured.SetNestedField(got.Object, "x", "metadata", "name")
			if diff := cmp.Diff(before.Object, obj.Object); diff != "" {
				t.Errorf("changing the result changed the input (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNormalizeNil(t *testing.T) {
	if got := Normalize(nil, []IgnoreRule{{Path: []string{"spec"}}}); got != nil {
		t.Errorf("Normalize(nil) = %v, want nil", got)
	}
}
