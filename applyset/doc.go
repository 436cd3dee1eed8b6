// Package applyset implements the ApplySet format of KEP-3659, as kubectl
// writes it, so that converge can prune what a set no longer holds.
//
// An ApplySet is a parent object (a Secret by default, a ConfigMap, or a
// custom resource whose CRD carries the applyset.kubernetes.io/is-parent-type
// label) and the members that point to it:
//
//   - the parent has the label applyset.kubernetes.io/id, whose value is the
//     v1 hash of the parent's name, namespace, kind and group (see ID);
//   - it records, in annotations, the tool that manages the set
//     (converge/VERSION), the group-kinds its members have
//     (contains-group-kinds) and the namespaces they are in besides the
//     parent's own (additional-namespaces);
//   - every member has the label applyset.kubernetes.io/part-of with the
//     parent's id.
//
// Prune then needs no inventory of names: it LISTs each recorded group-kind
// in each recorded namespace with the part-of selector, and every member
// found that the manifests no longer hold is deleted. Because the parent
// records the union of the old and new group-kinds before anything is
// applied, and only the new ones after a prune that succeeded, a run that
// fails half-way leaves nothing unreachable for the next run.
//
// The package parses parent references (ParseRef), reads and checks the
// live parent (Fetch), writes it with server-side apply (Write) and lists
// the members (Members). Planning the deletions is diff's job, and sending
// them is apply's.
package applyset
