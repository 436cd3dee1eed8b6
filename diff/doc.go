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
// The resulting Change carries the live object, the exact patch apply will
// send and the predicted object after it. The annotation format is
// byte-for-byte kubectl's, so kubectl and converge can take turns on the
// same objects without spurious changes.
package diff
