// Package preview shows what a change between two git revisions does to
// a set of manifests, offline: `converge diff --git-base REF`, for pull
// requests, usually in CI where there is no cluster at all.
//
// Both sides are rendered with the same loaders as apply (files,
// directories with -R, kustomizations), the base from its commit's tree
// read with go-git (no checkout, no network) and the head from the work
// tree or another revision. Both are validated against the bundled
// schemas plus the CRDs each side holds; a side that does not render or
// validate is an error, located as path:line at that revision. The change
// is compared object by object (diff.Compare) and reported, masked, with
// diff's own writers: text, JSON or Markdown.
package preview
