package manifests

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with the input, tied to where it is.
type Problem struct {
	Origin Origin
	// Field is the offending field, when one can be named.
	Field string
	// Message says what is wrong and how to fix it.
	Message string
	// Warning marks a problem that does not stop the load.
	Warning bool
	// NotK8s marks a document that is not a Kubernetes object; with
	// Options.SkipNonK8s it becomes a warning.
	NotK8s bool
	// NeedsHelm marks a kustomization that inflates Helm charts
	// (helmCharts), which would run helm: converge does not.
	NeedsHelm bool
}

// Error renders the problem as "file:line: field: message".
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.Origin.String())
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// LoadError collects every problem found while loading a set.
type LoadError struct {
	Problems []Problem
}

// Error lists every problem, one per line.
func (e *LoadError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	lines = append(lines, fmt.Sprintf("%d problem(s) in the manifests:", len(e.Problems)))
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.Error())
	}
	return strings.Join(lines, "\n")
}

// ObjectError is a failure concerning one object. Its message starts with
// the object and where it was defined, then the operation, then the cause.
type ObjectError struct {
	ID     ObjectID
	Origin Origin
	// Op is what failed, such as "apply" or "read live object".
	Op  string
	Err error
}

// Error renders "kind.group/name (ns x) from file:line: op failed: cause".
func (e *ObjectError) Error() string {
	return fmt.Sprintf("%s from %s: %s failed: %s", e.ID, e.Origin, e.Op, e.Err.Error())
}

// Unwrap returns the cause.
func (e *ObjectError) Unwrap() error { return e.Err }
