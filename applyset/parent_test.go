package applyset

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func testMapper() meta.RESTMapper {
	m := meta.NewDefaultRESTMapper(nil)
	m.Add(schema.GroupVersionKind{Version: "v1", Kind: "Secret"}, meta.RESTScopeNamespace)
	m.Add(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, meta.RESTScopeNamespace)
	m.Add(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, meta.RESTScopeNamespace)
	m.Add(schema.GroupVersionKind{Group: "company.com", Version: "v1", Kind: "ApplySet"}, meta.RESTScopeRoot)
	return m
}

func TestParentID(t *testing.T) {
	// The vectors of kubectl's tests and testdata.
	tests := []struct {
		ref, ns, want string
	}{
		{"my-set", "test", "applyset-0eFHV8ySqp7XoShsGvyWFQD3s96yqwHmzc4e0HR1dsY-v1"},
		{"applysets.company.com/my-set", "test", "applyset-rhp1a-HVAVT_dFgyEygyA1BEB82HPp2o10UiFTpqtAs-v1"},
		{"cross_namespace", "applyset-namespace", "applyset-maUyxm9hLztJjNIswOCgA-VT6EJxr1_CcWA5kSzuMYE-v1"},
		{"secrets/simple", "test", "applyset-bjd1LnyQq0mtUu-riZCqjDQOmh0iNb9O2RcuT12WR0k-v1"},
	}
	for _, tt := range tests {
		p, err := ParseRef(tt.ref, testMapper(), tt.ns)
		if err != nil {
			t.Fatalf("ParseRef(%q): %v", tt.ref, err)
		}
		if got := p.ID(); got != tt.want {
			t.Errorf("ID of %q = %s, want %s", tt.ref, got, tt.want)
		}
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		ref, ns   string
		wantKind  string
		wantNS    string
		wantName  string
		wantError string
	}{
		{ref: "shop", ns: "prod", wantKind: "Secret", wantNS: "prod", wantName: "shop"},
		{ref: "secret/shop", ns: "prod", wantKind: "Secret", wantNS: "prod", wantName: "shop"},
		{ref: "configmaps/shop", ns: "prod", wantKind: "ConfigMap", wantNS: "prod", wantName: "shop"},
		{ref: "applyset.company.com/shop", ns: "prod", wantKind: "ApplySet", wantName: "shop"},
		{ref: "configmaps/", ns: "prod", wantError: "the name is empty"},
		{ref: "deployments.apps/x", ns: "prod", wantError: "Deployment cannot be an ApplySet parent"},
		{ref: "widgets.example.com/x", ns: "prod", wantError: `invalid --applyset "widgets.example.com/x"`},
		{ref: "shop", ns: "", wantError: "pass -n NAMESPACE"},
	}
	for _, tt := range tests {
		p, err := ParseRef(tt.ref, testMapper(), tt.ns)
		if tt.wantError != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantError) {
				t.Errorf("ParseRef(%q) err = %v, want %q", tt.ref, err, tt.wantError)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParseRef(%q): %v", tt.ref, err)
		}
		if p.GroupKind().Kind != tt.wantKind || p.Namespace != tt.wantNS || p.Name != tt.wantName {
			t.Errorf("ParseRef(%q) = %s %s/%s, want %s %s/%s", tt.ref, p.GroupKind().Kind, p.Namespace, p.Name, tt.wantKind, tt.wantNS, tt.wantName)
		}
	}
}

func TestParentPatch(t *testing.T) {
	p, err := ParseRef("my-set", testMapper(), "test")
	if err != nil {
		t.Fatal(err)
	}
	s := State{
		GroupKinds: []schema.GroupKind{{Group: "apps", Kind: "Deployment"}, {Kind: "ConfigMap"}},
		Namespaces: []string{"test", "other", "b"},
	}
	want := map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{
			"name": "my-set", "namespace": "test",
			"labels": map[string]any{LabelID: "applyset-0eFHV8ySqp7XoShsGvyWFQD3s96yqwHmzc4e0HR1dsY-v1"},
			"annotations": map[string]any{
				AnnotationTooling:    "converge/v1.2.3",
				AnnotationGroupKinds: "ConfigMap,Deployment.apps",
				AnnotationNamespaces: "b,other",
			},
		},
	}
	if diff := cmp.Diff(want, parentPatch(p, s, "v1.2.3")); diff != "" {
		t.Errorf("parentPatch (-want +got):\n%s", diff)
	}
}

func TestParseStateAndOwner(t *testing.T) {
	p, err := ParseRef("my-set", testMapper(), "test")
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]string{LabelID: p.ID()}
	tests := []struct {
		name      string
		labels    map[string]string
		annots    map[string]string
		want      State
		wantError string
	}{
		{name: "kubectl's example", labels: id,
			annots: map[string]string{AnnotationTooling: "converge/v0.1.0", AnnotationGroupKinds: "ReplicationController,Service", AnnotationNamespaces: ""},
			want:   State{Exists: true, GroupKinds: []schema.GroupKind{{Kind: "ReplicationController"}, {Kind: "Service"}}, Namespaces: []string{"test"}}},
		{name: "groups and namespaces", labels: id,
			annots: map[string]string{AnnotationTooling: "converge/dev", AnnotationGroupKinds: "Widget.example.com,Deployment.apps", AnnotationNamespaces: "b,a"},
			want:   State{Exists: true, GroupKinds: []schema.GroupKind{{Group: "apps", Kind: "Deployment"}, {Group: "example.com", Kind: "Widget"}}, Namespaces: []string{"a", "b", "test"}}},
		{name: "plain secret", labels: nil, annots: nil, wantError: "is not an ApplySet parent"},
		{name: "kubectl's set", labels: id, annots: map[string]string{AnnotationTooling: "kubectl/v1.32.0"}, wantError: `is managed by "kubectl"`},
		{name: "wrong id", labels: map[string]string{LabelID: "applyset-x-v1"}, annots: map[string]string{AnnotationTooling: "converge/v1"}, wantError: "was copied or edited"},
		{name: "deprecated only", labels: id, annots: map[string]string{AnnotationTooling: "converge/v1", annotationGroupResources: "deployments.apps"}, wantError: "deprecated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkOwned(p, tt.labels, tt.annots)
			var got State
			if err == nil {
				got, err = parseState(p, tt.annots)
			}
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("err = %v, want %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
		})
	}
}
