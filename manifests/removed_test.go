package manifests

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestCheckRemovedAPI(t *testing.T) {
	origin := Origin{File: "app/deploy.yaml", Doc: 1, Line: 7}
	tests := []struct {
		apiVersion, kind string
		want             *Problem
	}{
		{"extensions/v1beta1", "Deployment", &Problem{Origin: origin, Field: "apiVersion", Message: `"extensions/v1beta1" for Deployment is no longer served by Kubernetes (removed in 1.16); change apiVersion to apps/v1 (apps/v1 requires spec.selector)`}},
		{"extensions/v1beta1", "Ingress", &Problem{Origin: origin, Field: "apiVersion", Message: `"extensions/v1beta1" for Ingress is no longer served by Kubernetes (removed in 1.22); change apiVersion to networking.k8s.io/v1 (v1 backends use service.name and service.port)`}},
		{"apps/v1beta1", "StatefulSet", &Problem{Origin: origin, Field: "apiVersion", Message: `"apps/v1beta1" for StatefulSet is no longer served by Kubernetes (removed in 1.16); change apiVersion to apps/v1 (apps/v1 requires spec.selector)`}},
		{"apps/v1beta2", "DaemonSet", &Problem{Origin: origin, Field: "apiVersion", Message: `"apps/v1beta2" for DaemonSet is no longer served by Kubernetes (removed in 1.16); change apiVersion to apps/v1 (apps/v1 requires spec.selector)`}},
		{"batch/v1beta1", "CronJob", &Problem{Origin: origin, Field: "apiVersion", Message: `"batch/v1beta1" for CronJob is no longer served by Kubernetes (removed in 1.25); change apiVersion to batch/v1`}},
		{"policy/v1beta1", "PodDisruptionBudget", &Problem{Origin: origin, Field: "apiVersion", Message: `"policy/v1beta1" for PodDisruptionBudget is no longer served by Kubernetes (removed in 1.25); change apiVersion to policy/v1`}},
		{"policy/v1beta1", "PodSecurityPolicy", &Problem{Origin: origin, Field: "apiVersion", Message: `"policy/v1beta1" for PodSecurityPolicy is no longer served by Kubernetes (removed in 1.25); ` + pspHint}},
		{"networking.k8s.io/v1beta1", "Ingress", &Problem{Origin: origin, Field: "apiVersion", Message: `"networking.k8s.io/v1beta1" for Ingress is no longer served by Kubernetes (removed in 1.22); change apiVersion to networking.k8s.io/v1 (v1 backends use service.name and service.port)`}},
		{"rbac.authorization.k8s.io/v1beta1", "ClusterRole", &Problem{Origin: origin, Field: "apiVersion", Message: `"rbac.authorization.k8s.io/v1beta1" for ClusterRole is no longer served by Kubernetes (removed in 1.22); change apiVersion to rbac.authorization.k8s.io/v1`}},
		{"apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", &Problem{Origin: origin, Field: "apiVersion", Message: `"apiextensions.k8s.io/v1beta1" for CustomResourceDefinition is no longer served by Kubernetes (removed in 1.22); change apiVersion to apiextensions.k8s.io/v1 (v1 requires a structural openAPIV3Schema per version)`}},
		{"autoscaling/v2beta1", "HorizontalPodAutoscaler", &Problem{Origin: origin, Field: "apiVersion", Message: `"autoscaling/v2beta1" for HorizontalPodAutoscaler is no longer served by Kubernetes (removed in 1.25); change apiVersion to autoscaling/v2`}},
		{"autoscaling/v2beta2", "HorizontalPodAutoscaler", &Problem{Origin: origin, Field: "apiVersion", Message: `"autoscaling/v2beta2" for HorizontalPodAutoscaler is no longer served by Kubernetes (removed in 1.26); change apiVersion to autoscaling/v2`}},
		{"apps/v1", "Deployment", nil},
		{"batch/v1beta1", "Job", nil},
		{"example.com/v1beta1", "Widget", nil},
	}
	for _, tc := range tests {
		t.Run(tc.apiVersion+"/"+tc.kind, func(t *testing.T) {
			u := &unstructured.Unstructured{Object: map[string]any{}}
			u.SetAPIVersion(tc.apiVersion)
			u.SetKind(tc.kind)
			u.SetName("x")
			got := checkRemovedAPI(Object{Unstructured: u, Origin: origin})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}
