package diff

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
)

// FieldOp is what happened to one field.
type FieldOp string

// The field operations.
const (
	FieldAdd     FieldOp = "add"
	FieldRemove  FieldOp = "remove"
	FieldReplace FieldOp = "replace"
)

// FieldChange is one changed field between the live and predicted object.
type FieldChange struct {
	// Path is dotted, with list indexes: spec.template.spec.containers[0].image.
	Path   string  `json:"path"`
	Op     FieldOp `json:"op"`
	Before any     `json:"before,omitempty"`
	After  any     `json:"after,omitempty"`
}

// FieldChanges lists the leaf differences between two objects, in document
// order: map keys sorted, list items by index. Maps are compared by key,
// lists by index.
func FieldChanges(before, after map[string]any) []FieldChange {
	var out []FieldChange
	walk("", before, after, &out)
	return out
}

func walk(path string, before, after any, out *[]FieldChange) {
	if reflect.DeepEqual(before, after) {
		return
	}
	switch b := before.(type) {
	case map[string]any:
		if a, ok := after.(map[string]any); ok {
			for _, k := range union(b, a) {
				bv, bok := b[k]
				av, aok := a[k]
				p := join(path, k)
				switch {
				case !bok:
					*out = append(*out, FieldChange{Path: p, Op: FieldAdd, After: av})
				case !aok:
					*out = append(*out, FieldChange{Path: p, Op: FieldRemove, Before: bv})
				default:
					walk(p, bv, av, out)
				}
			}
			return
		}
	case []any:
		if a, ok := after.([]any); ok {
			for i := 0; i < max(len(a), len(b)); i++ {
				p := fmt.Sprintf("%s[%d]", path, i)
				switch {
				case i >= len(b):
					*out = append(*out, FieldChange{Path: p, Op: FieldAdd, After: a[i]})
				case i >= len(a):
					*out = append(*out, FieldChange{Path: p, Op: FieldRemove, Before: b[i]})
				default:
					walk(p, b[i], a[i], out)
				}
			}
			return
		}
	}
	*out = append(*out, FieldChange{Path: path, Op: FieldReplace, Before: before, After: after})
}

// union returns the keys of a and b, sorted.
func union(a, b map[string]any) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func join(path, key string) string {
	if !isIdent(key) {
		key = "[" + strconv.Quote(key) + "]"
		return path + key
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func isIdent(s string) bool {
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return s != ""
}
