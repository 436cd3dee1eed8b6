// Package manifests is the single way every converge command gets its
// objects. It reads files, directories (optionally recursively) and stdin,
// splits multi-document YAML, expands kind: List, and gives every object an
// Origin (file, document index and line) that later stages quote in their
// errors. It also defines the apply order: Set.Sorted returns objects in
// dependency order (namespaces and CRDs first, custom resources last), and
// prune uses the reverse.
//
// Loading is all-or-nothing: Load reports every problem it found in the set
// as one *LoadError, and returns no objects when there is any. A caller that
// need not hold every object whole sets Options.Visit to see each file's
// objects as soon as they are decoded and keep only their stubs.
package manifests
