// Package sync keeps a cluster converged to a path of a git repository:
// the loop behind `converge sync`.
//
// Each cycle asks the remote which commit the ref points to now (one
// ls-remote round trip, with go-git: https, ssh, file:// and local paths;
// branches, tags, semver ranges over tags, or a commit SHA). When that is
// the commit already applied, the cycle does nothing more. Otherwise it
// fetches the commit into a bare cache, shallow and for that ref only,
// reads the manifests from the commit's tree without a work tree (TreeFS,
// an fs.FS that never leaves the tree), renders them (-f DIR -R, or -k DIR
// for a kustomization), validates them against the cluster's schemas,
// and applies and prunes them with the same engine as `converge apply`,
// recording a revision of the ApplySet with the commit as its source and
// "<short sha> <subject>" as its change-cause.
//
// A commit that cannot be applied (invalid YAML, a schema error, a
// removed API version, a missing signature) applies nothing: the cycle is
// a failed attempt whose problems are located as repo-path:line, the last
// good revision stays live, and the commit is not tried again until
// another one arrives. A failure of the remote or the API server is
// retried, backing off exponentially with jitter up to five minutes.
//
// `converge undo` on a synced set pins it: sync leaves the set at the
// undo's revision while git stays at the same commit, until a new commit
// arrives or Resume.
//
// The status of each set (source, ref, commit applied, last attempt,
// pin, git errors, next retry) is kept in a ConfigMap beside the ApplySet
// parent, written by server-side apply only when it changes, so any
// machine can read it.
package sync
