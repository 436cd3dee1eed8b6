package schemas

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/message"
)

// listKeyword carries x-kubernetes-list-type set and map into converted
// schemas: {"type": "set"} or {"type": "map", "keys": [...], "defaults":
// {key: default}}. JSON Schema cannot say that items are unique by some of
// their fields, so a vocabulary of this package checks it while
// jsonschema walks the object.
const listKeyword = "x-converge-list"

// listVocabulary compiles listKeyword.
var listVocabulary = &jsonschema.Vocabulary{
	URL:     "https://converge.invalid/vocab/list-type",
	Compile: compileList,
}

// listCheck is the compiled listKeyword of one array schema.
type listCheck struct {
	keys     []string // nil for a set
	defaults map[string]any
}

func compileList(_ *jsonschema.CompilerContext, obj map[string]any) (jsonschema.SchemaExt, error) {
	spec, ok := obj[listKeyword].(map[string]any)
	if !ok {
		return nil, nil
	}
	if spec["type"] == "set" {
		return &listCheck{}, nil
	}
	lc := &listCheck{defaults: map[string]any{}}
	keys, _ := spec["keys"].([]any)
	for _, k := range keys {
		s, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("list-map key %s is not a field name", jsonText(k))
		}
		lc.keys = append(lc.keys, s)
	}
	if d, ok := spec["defaults"].(map[string]any); ok {
		lc.defaults = d
	}
	return lc, nil
}

// Validate reports the second occurrence of each repeated item (set) or
// key (map), as the API server does.
func (lc *listCheck) Validate(ctx *jsonschema.ValidatorContext, v any) {
	arr, ok := v.([]any)
	if !ok || len(arr) < 2 {
		return
	}
	seen := make(map[string]int, len(arr))
	for i, item := range arr {
		var key string
		if lc.keys == nil {
			key = canonical(item)
		} else {
			key = lc.mapKey(item)
		}
		seen[key]++
		if seen[key] == 2 {
			ctx.AddError(&duplicateEntry{Index: i, Reason: lc.reason(item), Rule: lc.rule()})
		}
	}
}

// mapKey is the canonical form of item's key fields; a missing field takes
// its default, or stays unspecified.
func (lc *listCheck) mapKey(item any) string {
	obj, _ := item.(map[string]any)
	var b strings.Builder
	for _, k := range lc.keys {
		v, ok := obj[k]
		if !ok {
			v, ok = lc.defaults[k]
		}
		if ok {
			b.WriteString(canonical(v))
		} else {
			b.WriteString("unspecified")
		}
		b.WriteByte(0)
	}
	return b.String()
}

// rule words a repeated item without naming it, for lists whose values
// are never shown.
func (lc *listCheck) rule() string {
	if lc.keys == nil {
		return "duplicate entry in a list of unique values"
	}
	return "duplicate entry in a list keyed by " + joinAnd(lc.keys)
}

// reason words a repeated item, naming it by its value (set) or key
// fields (map).
func (lc *listCheck) reason(item any) string {
	if lc.keys == nil {
		return fmt.Sprintf("duplicate entry %s in a list of unique values", valueText(item))
	}
	obj, _ := item.(map[string]any)
	parts := make([]string, 0, len(lc.keys))
	for _, k := range lc.keys {
		v, ok := obj[k]
		if !ok {
			v, ok = lc.defaults[k]
		}
		if ok {
			parts = append(parts, k+" "+valueText(v))
		} else {
			parts = append(parts, "no "+k)
		}
	}
	return fmt.Sprintf("duplicate entry with %s in a list keyed by %s", joinAnd(parts), joinAnd(lc.keys))
}

// canonical renders a JSON value so that equal values, such as 80 and
// 80.0, render alike.
func canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return strconv.FormatInt(i, 10)
		}
		return x.String()
	}
	return jsonText(v)
}

// valueText renders a value in a message: strings quoted, others as JSON,
// long ones cut.
func valueText(v any) string {
	s := jsonText(v)
	if str, ok := v.(string); ok {
		s = strconv.Quote(str)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func joinAnd(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// duplicateEntry is the error kind of a repeated item or key. Index is the
// item's position in the list; Reason names the item, Rule does not.
type duplicateEntry struct {
	Index  int
	Reason string
	Rule   string
}

// KeywordPath implements jsonschema.ErrorKind.
func (*duplicateEntry) KeywordPath() []string { return []string{listKeyword} }

// LocalizedString implements jsonschema.ErrorKind.
func (d *duplicateEntry) LocalizedString(*message.Printer) string {
	return fmt.Sprintf("item %d: %s", d.Index, d.Reason)
}
