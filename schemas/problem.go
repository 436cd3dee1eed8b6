package schemas

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/convergehq/converge/manifests"
)

// Problem is one thing wrong with one object.
type Problem struct {
	// ID is the object.
	ID manifests.ObjectID
	// Origin is where the object was read from.
	Origin manifests.Origin
	// Path is the offending field, such as
	// spec.template.spec.containers[0].ports[0].containerPort; "" for the
	// object as a whole. For unknown and missing fields it is the object
	// that holds them, and Reason names the field.
	Path string
	// Reason says what is wrong, in plain words, such as
	// `must be integer, got string "80"`. Under the data or stringData of
	// a Secret it never shows the value: `must be string, got integer
	// (the value of a Secret is never shown)`.
	Reason string
	// Unavailable marks an object whose schema could not be fetched from
	// a --schema-location: the object was not checked, and may be fine.
	Unavailable bool
}

// Error renders "kind.group/name (ns x) from file:line: path: reason".
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.ID.String())
	b.WriteString(" from ")
	b.WriteString(p.Origin.String())
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Reason)
	return b.String()
}

// issue is a problem found in an object, located by the JSON tokens of its
// field (map keys and list indexes) so issues sort by position.
type issue struct {
	loc    []string
	reason string
}

// compareIssues orders issues by field, list indexes numerically, then by
// reason.
func compareIssues(a, b issue) int {
	for i := 0; i < len(a.loc) && i < len(b.loc); i++ {
		if c := compareTokens(a.loc[i], b.loc[i]); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(len(a.loc), len(b.loc)); c != 0 {
		return c
	}
	return strings.Compare(a.reason, b.reason)
}

func compareTokens(a, b string) int {
	ai, aerr := strconv.Atoi(a)
	bi, berr := strconv.Atoi(b)
	if aerr == nil && berr == nil {
		return cmp.Compare(ai, bi)
	}
	return strings.Compare(a, b)
}

// renderPath turns tokens into spec.containers[0].name, walking the object
// so list indexes render as [i] and map keys that are not plain names,
// such as label keys, render as [app.kubernetes.io/name].
func renderPath(root any, loc []string) string {
	var b strings.Builder
	cur := root
	for _, tok := range loc {
		switch x := cur.(type) {
		case []any:
			b.WriteString("[" + tok + "]")
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(x) {
				cur = x[i]
			} else {
				cur = nil
			}
			continue
		case map[string]any:
			cur = x[tok]
		default:
			cur = nil
		}
		if !plainName(tok) {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// valueAt returns the value at loc in root, or nil.
func valueAt(root any, loc []string) any {
	cur := root
	for _, tok := range loc {
		switch x := cur.(type) {
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			cur = x[i]
		case map[string]any:
			cur = x[tok]
		default:
			return nil
		}
	}
	return cur
}

// plainName reports whether a field name reads well after a dot.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || r == '$' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || !(r == '-' || (r >= '0' && r <= '9'))) {
			return false
		}
	}
	return true
}
