package manifests

import (
	"fmt"
	"strings"
)

// removedAPI is an apiVersion (for one kind, or for every kind when kind is
// empty) that current Kubernetes no longer serves.
type removedAPI struct {
	groupVersion string
	kind         string
	// replacement is the apiVersion to use instead; empty when the kind
	// itself was removed.
	replacement string
	removedIn   string
	// hint replaces the default advice when the kind has no successor.
	hint string
}

const pspHint = "PodSecurityPolicy was removed; use Pod Security Admission (pod-security.kubernetes.io/enforce namespace labels) instead"

// removedAPIs lists the API versions Kubernetes stopped serving. Entries with
// a kind come before the catch-all entry of their group version.
var removedAPIs = []removedAPI{
	{groupVersion: "extensions/v1beta1", kind: "Ingress", replacement: "networking.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "extensions/v1beta1", kind: "NetworkPolicy", replacement: "networking.k8s.io/v1", removedIn: "1.16"},
	{groupVersion: "extensions/v1beta1", kind: "PodSecurityPolicy", removedIn: "1.25", hint: pspHint},
	{groupVersion: "extensions/v1beta1", replacement: "apps/v1", removedIn: "1.16"},
	{groupVersion: "apps/v1beta1", replacement: "apps/v1", removedIn: "1.16"},
	{groupVersion: "apps/v1beta2", replacement: "apps/v1", removedIn: "1.16"},
	{groupVersion: "batch/v1beta1", kind: "CronJob", replacement: "batch/v1", removedIn: "1.25"},
	{groupVersion: "batch/v2alpha1", kind: "CronJob", replacement: "batch/v1", removedIn: "1.21"},
	{groupVersion: "policy/v1beta1", kind: "PodDisruptionBudget", replacement: "policy/v1", removedIn: "1.25"},
	{groupVersion: "policy/v1beta1", kind: "PodSecurityPolicy", removedIn: "1.25", hint: pspHint},
	{groupVersion: "networking.k8s.io/v1beta1", replacement: "networking.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "rbac.authorization.k8s.io/v1beta1", replacement: "rbac.authorization.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "rbac.authorization.k8s.io/v1alpha1", replacement: "rbac.authorization.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "apiextensions.k8s.io/v1beta1", replacement: "apiextensions.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "admissionregistration.k8s.io/v1beta1", replacement: "admissionregistration.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "apiregistration.k8s.io/v1beta1", replacement: "apiregistration.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "certificates.k8s.io/v1beta1", replacement: "certificates.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "coordination.k8s.io/v1beta1", replacement: "coordination.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "scheduling.k8s.io/v1beta1", replacement: "scheduling.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "scheduling.k8s.io/v1alpha1", replacement: "scheduling.k8s.io/v1", removedIn: "1.17"},
	{groupVersion: "storage.k8s.io/v1beta1", replacement: "storage.k8s.io/v1", removedIn: "1.22"},
	{groupVersion: "discovery.k8s.io/v1beta1", replacement: "discovery.k8s.io/v1", removedIn: "1.25"},
	{groupVersion: "events.k8s.io/v1beta1", replacement: "events.k8s.io/v1", removedIn: "1.25"},
	{groupVersion: "node.k8s.io/v1beta1", replacement: "node.k8s.io/v1", removedIn: "1.25"},
	{groupVersion: "autoscaling/v2beta1", replacement: "autoscaling/v2", removedIn: "1.25"},
	{groupVersion: "autoscaling/v2beta2", replacement: "autoscaling/v2", removedIn: "1.26"},
	{groupVersion: "flowcontrol.apiserver.k8s.io/v1beta1", replacement: "flowcontrol.apiserver.k8s.io/v1", removedIn: "1.26"},
	{groupVersion: "flowcontrol.apiserver.k8s.io/v1beta2", replacement: "flowcontrol.apiserver.k8s.io/v1", removedIn: "1.29"},
	{groupVersion: "flowcontrol.apiserver.k8s.io/v1beta3", replacement: "flowcontrol.apiserver.k8s.io/v1", removedIn: "1.32"},
}

// checkRemovedAPI reports an object whose apiVersion Kubernetes no longer
// serves, naming the replacement.
func checkRemovedAPI(o Object) *Problem {
	gv, kind := o.GetAPIVersion(), o.GetKind()
	for _, r := range removedAPIs {
		if r.groupVersion != gv || (r.kind != "" && r.kind != kind) {
			continue
		}
		msg := fmt.Sprintf("%q for %s is no longer served by Kubernetes (removed in %s); ", gv, kind, r.removedIn)
		if r.hint != "" {
			msg += r.hint
		} else {
			msg += "change apiVersion to " + r.replacement + migrationNote(r)
		}
		return &Problem{Origin: o.Origin, Field: "apiVersion", Message: msg}
	}
	return nil
}

// migrationNote adds what else changes with the new version, where it is
// more than the apiVersion line.
func migrationNote(r removedAPI) string {
	switch {
	case strings.HasPrefix(r.replacement, "apps/"):
		return " (apps/v1 requires spec.selector)"
	case r.replacement == "apiextensions.k8s.io/v1":
		return " (v1 requires a structural openAPIV3Schema per version)"
	case r.kind == "Ingress" || r.groupVersion == "networking.k8s.io/v1beta1":
		return " (v1 backends use service.name and service.port)"
	}
	return ""
}
