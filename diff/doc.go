// Package diff computes the plan that both `converge diff` and
// `converge apply` use, so that a preview is exactly what an apply does.
//
// For each object of a set, a Planner resolves its resource and namespace,
// reads the live object, and decides an Action:
//
//   - absent: create it, with the kubectl.kubernetes.io/last-applied-configuration
//     annotation that kubectl would write;
//   - present: compute kubectl's three-way patch from the last-applied
//     annotation, the desired object and the live object (strategic merge
//     patch for built-in kinds, JSON merge patch for custom resources). An
//     empty patch means unchanged; otherwise the object is configured.
//
// A patch that is not empty may still change nothing: the manifest says
// cpu: 2000m where the server stores "2", or args: [] where it stores
// nothing. So the live and predicted objects are compared in canonical form
// (canonical.go: the kind's typed struct, compared semantically), and a
// change that still remains is verified with the server (verify.go): the
// very patch is sent as a dry run, and a result equal to the live object
// makes the change unchanged. Unchanged verdicts are remembered in a Memo
// keyed by cluster, object, desired object and live version (memo.go), and
// a plan settles the objects its memo knows from a metadata-only LIST
// (plan_memo.go). A dry run the
// server rejects (an immutable field, a value its validation refuses) turns
// the change into ActionRefused with a *RefusedError, or, with Force and an
// object the server would accept anew, into ActionReplace. A dry run the
// server does not allow (RBAC, no dry-run support) leaves the local
// prediction, marked CheckUnverified.
//
// The resulting Change carries the live object, the exact patch apply will
// send and the predicted object after it. The annotation format is
// byte-for-byte kubectl's, so kubectl and converge can take turns on the
// same objects without spurious changes.
package diff
