// Package manifests is the single way every converge command gets its
// objects. It reads files, directories (optionally recursively) and stdin,
// splits multi-document YAML, expands kind: List, and gives every object an
// Origin (file, document index and line) that later stages quote in their
// errors. It also defines the apply order: Set.Sorted returns objects in
// dependency order (namespaces and CRDs first, custom resources last), and
// prune uses the reverse.
//
// YAML decodes with kubectl's semantics (YAML 1.1, strict about duplicate
// keys, numbers as int64 or float64). Documents in the plain subset
// manifests are written in go through a fast decoder (fastyaml*.go); all
// others, and every error, through go.yaml.in/yaml/v2, the parser kubectl
// uses. FuzzFastYAML and TestFastYAMLGenerated hold the two to the same
// values.
//
// Loading is all-or-nothing: Load reports every problem it found in the set
// as one *LoadError, and returns no objects when there is any. A caller that
// need not hold every object whole sets Options.Visit to see each file's
// objects as soon as they are decoded; the objects it lets go are
// remembered only by their Ref (identity, origin and a note).
package manifests
