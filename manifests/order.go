package manifests

import "sort"

// The apply order, in one place. Objects are applied in ascending rank;
// prune deletes in descending rank. Within a rank the input order is kept.
//
//	0  Namespaces
//	1  CustomResourceDefinitions
//	2  cluster-scoped policy and storage, and ClusterRoles
//	3  ClusterRoleBindings
//	4  ServiceAccounts and Roles
//	5  RoleBindings
//	6  ConfigMaps, Secrets, PersistentVolumeClaims, quotas and limits
//	7  Services
//	8  workloads
//	9  everything else built in
//	10 custom resources
var kindRank = map[string]int{
	"Namespace":                0,
	"CustomResourceDefinition": 1,
	"PriorityClass":            2,
	"StorageClass":             2,
	"PersistentVolume":         2,
	"ClusterRole":              2,
	"ClusterRoleBinding":       3,
	"ServiceAccount":           4,
	"Role":                     4,
	"RoleBinding":              5,
	"ConfigMap":                6,
	"Secret":                   6,
	"PersistentVolumeClaim":    6,
	"LimitRange":               6,
	"ResourceQuota":            6,
	"Service":                  7,
	"Pod":                      8,
	"ReplicationController":    8,
	"ReplicaSet":               8,
	"Deployment":               8,
	"StatefulSet":              8,
	"DaemonSet":                8,
	"Job":                      8,
	"CronJob":                  8,
}

const (
	rankOtherBuiltin = 9
	rankCustom       = 10
)

// builtinGroups are the API groups served by Kubernetes itself; kinds in
// other groups are custom resources and go last.
var builtinGroups = map[string]bool{
	"": true, "apps": true, "batch": true, "autoscaling": true, "policy": true,
	"networking.k8s.io": true, "rbac.authorization.k8s.io": true, "storage.k8s.io": true,
	"apiextensions.k8s.io": true, "admissionregistration.k8s.io": true, "scheduling.k8s.io": true,
	"coordination.k8s.io": true, "discovery.k8s.io": true, "node.k8s.io": true,
	"certificates.k8s.io": true, "apiregistration.k8s.io": true, "flowcontrol.apiserver.k8s.io": true,
	"resource.k8s.io": true, "storagemigration.k8s.io": true, "events.k8s.io": true,
}

// Rank returns the apply rank of an object: lower ranks are applied first.
func Rank(id ObjectID) int {
	if !builtinGroups[id.Group] {
		return rankCustom
	}
	if r, ok := kindRank[id.Kind]; ok {
		return r
	}
	return rankOtherBuiltin
}

// Sorted returns the objects in apply order. The sort is stable, so objects
// of equal rank keep the order they were read in.
func (s Set) Sorted() []Object {
	out := append([]Object(nil), s.Objects...)
	sort.SliceStable(out, func(i, j int) bool { return Rank(out[i].ID()) < Rank(out[j].ID()) })
	return out
}

// Waves groups the objects in apply order into runs of equal rank. Objects
// within a wave do not depend on each other and may be applied concurrently.
func (s Set) Waves() [][]Object {
	var waves [][]Object
	last := -1
	for _, o := range s.Sorted() {
		r := Rank(o.ID())
		if r != last {
			waves = append(waves, nil)
			last = r
		}
		waves[len(waves)-1] = append(waves[len(waves)-1], o)
	}
	return waves
}

// PruneOrder returns the objects in deletion order: the reverse of apply
// order, so workloads go before the ConfigMaps they use and namespaces last.
func (s Set) PruneOrder() []Object {
	out := s.Sorted()
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
