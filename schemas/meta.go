package schemas

import (
	"fmt"
	"slices"
	"strings"

	"github.com/convergehq/converge/manifests"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
)

// totalAnnotationSize is the API server's limit on the keys and values of
// all annotations of an object.
const totalAnnotationSize = 256 * 1024

// nameRule checks metadata.name; it returns what is wrong, if anything.
type nameRule func(name string) []string

func dnsSubdomain(name string) []string { return validation.IsDNS1123Subdomain(name) }

// nameRules are the name rules of kinds whose API validation is known.
// Kinds not listed get only the rule every name follows (a path segment).
var nameRules = map[schema.GroupKind]nameRule{
	{Kind: "Namespace"}:                                              validation.IsDNS1123Label,
	{Kind: "Service"}:                                                validation.IsDNS1035Label,
	{Kind: "ConfigMap"}:                                              dnsSubdomain,
	{Kind: "Secret"}:                                                 dnsSubdomain,
	{Kind: "Pod"}:                                                    dnsSubdomain,
	{Kind: "ServiceAccount"}:                                         dnsSubdomain,
	{Kind: "PersistentVolume"}:                                       dnsSubdomain,
	{Kind: "PersistentVolumeClaim"}:                                  dnsSubdomain,
	{Group: "apps", Kind: "Deployment"}:                              dnsSubdomain,
	{Group: "apps", Kind: "StatefulSet"}:                             dnsSubdomain,
	{Group: "apps", Kind: "DaemonSet"}:                               dnsSubdomain,
	{Group: "apps", Kind: "ReplicaSet"}:                              dnsSubdomain,
	{Group: "batch", Kind: "Job"}:                                    dnsSubdomain,
	{Group: "batch", Kind: "CronJob"}:                                cronJobName,
	{Group: "networking.k8s.io", Kind: "Ingress"}:                    dnsSubdomain,
	{Group: "networking.k8s.io", Kind: "IngressClass"}:               dnsSubdomain,
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}:              dnsSubdomain,
	{Group: "policy", Kind: "PodDisruptionBudget"}:                   dnsSubdomain,
	{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}:          dnsSubdomain,
	{Group: "storage.k8s.io", Kind: "StorageClass"}:                  dnsSubdomain,
	{Group: "scheduling.k8s.io", Kind: "PriorityClass"}:              dnsSubdomain,
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}:               path.IsValidPathSegmentName,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:        path.IsValidPathSegmentName,
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:        path.IsValidPathSegmentName,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}: path.IsValidPathSegmentName,
}

// cronJobName leaves room for the suffix the controller appends to the
// names of the Jobs it creates.
func cronJobName(name string) []string {
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return errs
	}
	if len(name) > 52 {
		return []string{"must be no more than 52 characters"}
	}
	return nil
}

// metaIssues checks what the API server checks of metadata beyond its
// schema: the name, the namespace, labels and annotations. Values of the
// wrong type are left to the schema.
func metaIssues(o manifests.Object, custom bool) []issue {
	meta, _ := o.Object["metadata"].(map[string]any)
	if meta == nil {
		return nil
	}
	var out []issue
	at := func(field ...string) []string { return append([]string{"metadata"}, field...) }
	if name, ok := meta["name"].(string); ok && name != "" {
		rule := nameRules[o.GroupVersionKind().GroupKind()]
		if rule == nil && custom {
			rule = dnsSubdomain
		}
		errs := path.IsValidPathSegmentName(name)
		if rule != nil && len(errs) == 0 {
			errs = rule(name)
		}
		if len(errs) > 0 {
			out = append(out, issue{at("name"), fmt.Sprintf("invalid name %q: %s", name, strings.Join(errs, "; "))})
		}
	}
	if ns, ok := meta["namespace"].(string); ok && ns != "" {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			out = append(out, issue{at("namespace"), fmt.Sprintf("invalid namespace %q: %s", ns, strings.Join(errs, "; "))})
		}
	}
	out = append(out, labelIssues(meta, at)...)
	return append(out, annotationIssues(meta, at)...)
}

func labelIssues(meta map[string]any, at func(...string) []string) []issue {
	labels, _ := meta["labels"].(map[string]any)
	var out []issue
	for _, k := range sortedKeys(labels) {
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			out = append(out, issue{at("labels", k), fmt.Sprintf("invalid label key %q: %s", k, strings.Join(errs, "; "))})
		}
		v, ok := labels[k].(string)
		if !ok {
			continue
		}
		if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
			out = append(out, issue{at("labels", k), fmt.Sprintf("invalid label value %s: %s", valueText(v), strings.Join(errs, "; "))})
		}
	}
	return out
}

func annotationIssues(meta map[string]any, at func(...string) []string) []issue {
	annotations, _ := meta["annotations"].(map[string]any)
	var out []issue
	size := 0
	for _, k := range sortedKeys(annotations) {
		if errs := validation.IsQualifiedName(strings.ToLower(k)); len(errs) > 0 {
			out = append(out, issue{at("annotations", k), fmt.Sprintf("invalid annotation key %q: %s", k, strings.Join(errs, "; "))})
		}
		v, _ := annotations[k].(string)
		size += len(k) + len(v)
	}
	if size > totalAnnotationSize {
		out = append(out, issue{at("annotations"), fmt.Sprintf("annotations take %d bytes; the limit is %d (256 KiB)", size, totalAnnotationSize)})
	}
	return slices.Clip(out)
}
