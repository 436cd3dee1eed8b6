package manifests

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// testObject builds an Object of the given apiVersion, kind and name; its origin
// line is its position in a test's input, so order can be checked.
func testObject(apiVersion, kind, name string, line int) Object {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetName(name)
	return Object{Unstructured: u, Origin: Origin{File: "in.yaml", Line: line}}
}

func TestRank(t *testing.T) {
	tests := []struct {
		name string
		id   ObjectID
		want int
	}{
		{name: "Namespace", id: ObjectID{Kind: "Namespace"}, want: 0},
		{name: "CustomResourceDefinition", id: ObjectID{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}, want: 1},
		{name: "PriorityClass", id: ObjectID{Group: "scheduling.k8s.io", Kind: "PriorityClass"}, want: 2},
		{name: "StorageClass", id: ObjectID{Group: "storage.k8s.io", Kind: "StorageClass"}, want: 2},
		{name: "PersistentVolume", id: ObjectID{Kind: "PersistentVolume"}, want: 2},
		{name: "ClusterRole", id: ObjectID{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}, want: 2},
		{name: "ClusterRoleBinding", id: ObjectID{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}, want: 3},
		{name: "ServiceAccount", id: ObjectID{Kind: "ServiceAccount"}, want: 4},
		{name: "Role", id: ObjectID{Group: "rbac.authorization.k8s.io", Kind: "Role"}, want: 4},
		{name: "RoleBinding", id: ObjectID{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}, want: 5},
		{name: "ConfigMap", id: ObjectID{Kind: "ConfigMap"}, want: 6},
		{name: "Secret", id: ObjectID{Kind: "Secret"}, want: 6},
		{name: "PersistentVolumeClaim", id: ObjectID{Kind: "PersistentVolumeClaim"}, want: 6},
		{name: "LimitRange", id: ObjectID{Kind: "LimitRange"}, want: 6},
		{name: "ResourceQuota", id: ObjectID{Kind: "ResourceQuota"}, want: 6},
		{name: "Service", id: ObjectID{Kind: "Service"}, want: 7},
		{name: "Pod", id: ObjectID{Kind: "Pod"}, want: 8},
		{name: "Deployment", id: ObjectID{Group: "apps", Kind: "Deployment"}, want: 8},
		{name: "StatefulSet", id: ObjectID{Group: "apps", Kind: "StatefulSet"}, want: 8},
		{name: "DaemonSet", id: ObjectID{Group: "apps", Kind: "DaemonSet"}, want: 8},
		{name: "Job", id: ObjectID{Group: "batch", Kind: "Job"}, want: 8},
		{name: "CronJob", id: ObjectID{Group: "batch", Kind: "CronJob"}, want: 8},
		{name: "Ingress is another built-in", id: ObjectID{Group: "networking.k8s.io", Kind: "Ingress"}, want: 9},
		{name: "HorizontalPodAutoscaler is another built-in", id: ObjectID{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}, want: 9},
		{name: "webhook configuration is another built-in", id: ObjectID{Group: "admissionregistration.k8s.io", Kind: "ValidatingWebhookConfiguration"}, want: 9},
		{name: "unknown core kind is another built-in", id: ObjectID{Kind: "Frobnicator"}, want: 9},
		{name: "custom resource", id: ObjectID{Group: "example.com", Kind: "Widget"}, want: 10},
		{name: "custom kind named like a built-in", id: ObjectID{Group: "serving.knative.dev", Kind: "Service"}, want: 10},
		{name: "custom Namespace kind", id: ObjectID{Group: "example.com", Kind: "Namespace"}, want: 10},
		{name: "namespace and name do not matter", id: ObjectID{Kind: "ConfigMap", Namespace: "kube-system", Name: "x"}, want: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Rank(tt.id)); diff != "" {
				t.Errorf("Rank(%+v) mismatch (-want +got):\n%s", tt.id, diff)
			}
		})
	}
}

// kindNames renders objects as "kind/name" for compact comparisons.
func kindNames(objs []Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.GetKind()+"/"+o.GetName())
	}
	return out
}

func TestSetSorted(t *testing.T) {
	tests := []struct {
		name string
		in   []Object
		want []string
	}{
		{
			name: "empty",
			in:   nil,
			want: nil,
		},
		{
			name: "dependency order, custom resources last",
			in: []Object{
				testObject("example.com/v1", "Widget", "w", 1),
				testObject("apps/v1", "Deployment", "web", 2),
				testObject("v1", "Service", "web", 3),
				testObject("v1", "ConfigMap", "cfg", 4),
				testObject("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", 5),
				testObject("rbac.authorization.k8s.io/v1", "Role", "r", 6),
				testObject("v1", "ServiceAccount", "sa", 7),
				testObject("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "crb", 8),
				testObject("rbac.authorization.k8s.io/v1", "ClusterRole", "cr", 9),
				testObject("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com", 10),
				testObject("networking.k8s.io/v1", "Ingress", "web", 11),
				testObject("v1", "Namespace", "shop", 12),
			},
			want: []string{
				"Namespace/shop",
				"CustomResourceDefinition/widgets.example.com",
				"ClusterRole/cr",
				"ClusterRoleBinding/crb",
				"Role/r",
				"ServiceAccount/sa",
				"RoleBinding/rb",
				"ConfigMap/cfg",
				"Service/web",
				"Deployment/web",
				"Ingress/web",
				"Widget/w",
			},
		},
		{
			name: "stable within a rank",
			in: []Object{
				testObject("v1", "Secret", "z", 1),
				testObject("v1", "ConfigMap", "b", 2),
				testObject("v1", "Namespace", "ns", 3),
				testObject("v1", "ConfigMap", "a", 4),
				testObject("example.com/v1", "Widget", "2", 5),
				testObject("example.com/v1", "Gadget", "1", 6),
				testObject("v1", "PersistentVolumeClaim", "data", 7),
			},
			want: []string{
				"Namespace/ns",
				"Secret/z",
				"ConfigMap/b",
				"ConfigMap/a",
				"PersistentVolumeClaim/data",
				"Widget/2",
				"Gadget/1",
			},
		},
		{
			name: "already sorted",
			in: []Object{
				testObject("v1", "Namespace", "ns", 1),
				testObject("v1", "ConfigMap", "c", 2),
				testObject("apps/v1", "Deployment", "d", 3),
			},
			want: []string{"Namespace/ns", "ConfigMap/c", "Deployment/d"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := Set{Objects: tt.in}
			before := kindNames(set.Objects)
			got := set.Sorted()
			if diff := cmp.Diff(tt.want, kindNames(got)); diff != "" {
				t.Errorf("Sorted mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, kindNames(set.Objects)); diff != "" {
				t.Errorf("Sorted reordered the set's own objects (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetWaves(t *testing.T) {
	tests := []struct {
		name string
		in   []Object
		want [][]string
	}{
		{
			name: "empty",
			in:   nil,
			want: nil,
		},
		{
			name: "one wave",
			in: []Object{
				testObject("v1", "ConfigMap", "a", 1),
				testObject("v1", "Secret", "b", 2),
			},
			want: [][]string{{"ConfigMap/a", "Secret/b"}},
		},
		{
			name: "a wave per rank, in apply order",
			in: []Object{
				testObject("example.com/v1", "Widget", "w", 1),
				testObject("apps/v1", "Deployment", "web", 2),
				testObject("v1", "ConfigMap", "a", 3),
				testObject("apps/v1", "StatefulSet", "db", 4),
				testObject("v1", "Namespace", "ns", 5),
				testObject("v1", "Secret", "s", 6),
				testObject("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com", 7),
			},
			want: [][]string{
				{"Namespace/ns"},
				{"CustomResourceDefinition/widgets.example.com"},
				{"ConfigMap/a", "Secret/s"},
				{"Deployment/web", "StatefulSet/db"},
				{"Widget/w"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]string
			for _, w := range (Set{Objects: tt.in}).Waves() {
				got = append(got, kindNames(w))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Waves mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
