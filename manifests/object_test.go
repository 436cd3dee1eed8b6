package manifests

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestObjectIDString(t *testing.T) {
	tests := []struct {
		name         string
		id           ObjectID
		wantString   string
		wantKindName string
	}{
		{
			name:         "namespaced object in a named group",
			id:           ObjectID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"},
			wantString:   "deployment.apps/web (ns shop)",
			wantKindName: "deployment.apps/web",
		},
		{
			name:         "core group without namespace",
			id:           ObjectID{Kind: "ConfigMap", Name: "x"},
			wantString:   "configmap/x",
			wantKindName: "configmap/x",
		},
		{
			name:         "core group with namespace",
			id:           ObjectID{Kind: "ConfigMap", Namespace: "default", Name: "x"},
			wantString:   "configmap/x (ns default)",
			wantKindName: "configmap/x",
		},
		{
			name:         "cluster-scoped object in a dotted group",
			id:           ObjectID{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "Viewer"},
			wantString:   "clusterrole.rbac.authorization.k8s.io/Viewer",
			wantKindName: "clusterrole.rbac.authorization.k8s.io/Viewer",
		},
		{
			name:         "custom resource",
			id:           ObjectID{Group: "example.com", Kind: "Widget", Namespace: "ns", Name: "w"},
			wantString:   "widget.example.com/w (ns ns)",
			wantKindName: "widget.example.com/w",
		},
		{
			name:         "generateName object has no name",
			id:           ObjectID{Group: "batch", Kind: "Job", Namespace: "ns"},
			wantString:   "job.batch/ (ns ns)",
			wantKindName: "job.batch/",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.wantString, tt.id.String()); diff != "" {
				t.Errorf("String mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantKindName, tt.id.KindName()); diff != "" {
				t.Errorf("KindName mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestObjectID(t *testing.T) {
	tests := []struct {
		name string
		obj  Object
		want ObjectID
	}{
		{
			name: "group is taken from apiVersion, version is dropped",
			obj:  testObject("apps/v1", "Deployment", "web", 1),
			want: ObjectID{Group: "apps", Kind: "Deployment", Name: "web"},
		},
		{
			name: "core group",
			obj:  testObject("v1", "ConfigMap", "c", 1),
			want: ObjectID{Kind: "ConfigMap", Name: "c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.obj.ID()); diff != "" {
				t.Errorf("ID mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOriginString(t *testing.T) {
	tests := []struct {
		name   string
		origin Origin
		want   string
	}{
		{name: "file and line", origin: Origin{File: "app/web.yaml", Doc: 2, Line: 17}, want: "app/web.yaml:17"},
		{name: "stdin", origin: Origin{File: "-", Line: 1}, want: "-:1"},
		{name: "no line", origin: Origin{File: "app/kustomization.yaml"}, want: "app/kustomization.yaml"},
		{name: "document index is not shown", origin: Origin{File: "a.yaml", Doc: 3}, want: "a.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.origin.String()); diff != "" {
				t.Errorf("Origin.String mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		name    string
		problem Problem
		want    string
	}{
		{
			name:    "with field",
			problem: Problem{Origin: Origin{File: "a.yaml", Line: 4}, Field: "metadata.name", Message: "missing; set metadata.name"},
			want:    "a.yaml:4: metadata.name: missing; set metadata.name",
		},
		{
			name:    "without field",
			problem: Problem{Origin: Origin{File: "a.yaml", Line: 9}, Message: "invalid YAML"},
			want:    "a.yaml:9: invalid YAML",
		},
		{
			name:    "without line",
			problem: Problem{Origin: Origin{File: "missing.yaml"}, Message: "cannot read"},
			want:    "missing.yaml: cannot read",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.problem.Error()); diff != "" {
				t.Errorf("Problem.Error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

var errCause = errors.New("connection refused")

func TestObjectError(t *testing.T) {
	oe := &ObjectError{
		ID:     ObjectID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"},
		Origin: Origin{File: "app/web.yaml", Line: 3},
		Op:     "apply",
		Err:    errCause,
	}
	const wantMsg = "deployment.apps/web (ns shop) from app/web.yaml:3: apply failed: connection refused"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{name: "bare", err: oe, want: wantMsg},
		{name: "wrapped", err: fmt.Errorf("wave 3: %w", oe), want: "wave 3: " + wantMsg},
		{name: "joined", err: errors.Join(errors.New("other"), oe), want: "other\n" + wantMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.err.Error()); diff != "" {
				t.Errorf("Error mismatch (-want +got):\n%s", diff)
			}
			var got *ObjectError
			if !errors.As(tt.err, &got) {
				t.Fatalf("errors.As(%v) found no *ObjectError", tt.err)
			}
			if got != oe {
				t.Errorf("errors.As found %p, want %p", got, oe)
			}
			if diff := cmp.Diff(wantMsg, got.Error()); diff != "" {
				t.Errorf("ObjectError.Error mismatch (-want +got):\n%s", diff)
			}
			if !errors.Is(tt.err, errCause) {
				t.Errorf("errors.Is(%v, cause) = false, want true", tt.err)
			}
			if u := errors.Unwrap(got); u != errCause {
				t.Errorf("errors.Unwrap = %v, want the cause %v", u, errCause)
			}
		})
	}
}
