// Package history answers "what changed and why" for a set of manifests.
//
// Today it provides the change-cause converge writes on every object an
// apply creates or changes (the kubernetes.io/change-cause annotation that
// `kubectl rollout history` shows): the user's --change-cause, else, when the
// manifests are inside a git work tree, "<short sha> <subject>" of its HEAD
// commit, read with go-git, else the converge command line. Revisions of a
// whole ApplySet, `converge history` and `converge undo` build on it.
package history
