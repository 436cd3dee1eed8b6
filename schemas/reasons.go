package schemas

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.English)

// walker turns the jsonschema errors of one object into issues.
type walker struct {
	// root is the object, where the values the errors are about are.
	root any
	// strict makes unknown fields issues.
	strict bool
	// secret marks a Secret, whose data and stringData values are never
	// shown.
	secret bool
	// builtin marks a kind built into Kubernetes: the API server decodes
	// it into a Go struct, where an empty string is the same as no value.
	builtin bool
}

// issues flattens a jsonschema error tree into one issue per leaf: one per
// unknown field (only when strict), one per missing field, one per wrong
// value.
func (w walker) issues(verr *jsonschema.ValidationError, out []issue) []issue {
	loc := verr.InstanceLocation
	switch k := verr.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
		for _, c := range verr.Causes {
			out = w.issues(c, out)
		}
		return out
	case *kind.AdditionalProperties:
		if !w.strict {
			return out
		}
		for _, f := range slices.Sorted(slices.Values(k.Properties)) {
			out = append(out, issue{loc, fmt.Sprintf("unknown field %q", f)})
		}
		return out
	case *kind.Required:
		for _, f := range k.Missing {
			out = append(out, issue{loc, fmt.Sprintf("required field %q is missing", f)})
		}
		return out
	case *duplicateEntry:
		at := append(slices.Clip(loc), fmt.Sprint(k.Index))
		if w.hides(loc) {
			return append(out, issue{at, k.Rule + secretNote})
		}
		return append(out, issue{at, k.Reason})
	case *kind.AnyOf, *kind.OneOf:
		return append(out, issue{loc, w.alternatives(verr)})
	case *kind.Enum:
		if w.builtin && valueAt(w.root, loc) == "" {
			// imagePullPolicy: "", as Helm renders an empty value: the
			// server reads it as unset and fills in its default.
			return out
		}
	}
	return append(out, issue{loc, w.reason(verr.ErrorKind, loc)})
}

// reason words one error about the value at loc.
func (w walker) reason(k jsonschema.ErrorKind, loc []string) string {
	if w.hides(loc) {
		return hiddenRule(k, valueAt(w.root, loc)) + secretNote
	}
	return reason(k, valueAt(w.root, loc))
}

// alternatives explains an anyOf or oneOf that no branch satisfied, or a
// oneOf that more than one satisfied. The reasons of the branches are
// joined, and say once that values were left out.
func (w walker) alternatives(verr *jsonschema.ValidationError) string {
	if one, ok := verr.ErrorKind.(*kind.OneOf); ok && len(one.Subschemas) > 1 {
		return fmt.Sprintf("must match exactly one of the allowed forms, but matches forms %d and %d", one.Subschemas[0]+1, one.Subschemas[1]+1)
	}
	var why []string
	hidden := false
	for _, c := range verr.Causes {
		var sub []string
		for _, is := range w.issues(c, nil) {
			r, cut := strings.CutSuffix(is.reason, secretNote)
			hidden = hidden || cut
			sub = append(sub, r)
		}
		why = append(why, strings.Join(sub, " and "))
	}
	s := "must match one of the allowed forms: " + strings.Join(why, "; or ")
	if hidden {
		s += secretNote
	}
	return s
}

// reason words one error about value v.
func reason(k jsonschema.ErrorKind, v any) string {
	if rule, got, ok := bound(k); ok {
		if got == "" {
			return rule
		}
		return rule + ", got " + got
	}
	switch k := k.(type) {
	case *kind.Type:
		return fmt.Sprintf("must be %s, got %s", typeList(k.Want), describe(v))
	case *kind.Enum:
		return fmt.Sprintf("must be one of %s; got %s", valueList(k.Want), valueText(v))
	case *kind.Format:
		return k.Err.Error()
	case *kind.Pattern:
		return fmt.Sprintf("must match the pattern %s, got %s", k.Want, valueText(v))
	case *kind.UniqueItems:
		return fmt.Sprintf("items %d and %d are equal; items must be unique", k.Duplicates[0], k.Duplicates[1])
	case *kind.Not:
		return "must not match the forbidden form"
	case *kind.InvalidJsonValue:
		return fmt.Sprintf("holds a Go value of type %T, which is not JSON", k.Value)
	}
	return k.LocalizedString(printer)
}

// bound words a limit on a length, a count or a number, and gives what
// was found ("" when the rule says it all). ok is false for other errors.
func bound(k jsonschema.ErrorKind) (rule, got string, ok bool) {
	switch k := k.(type) {
	case *kind.MinLength:
		if k.Want == 1 {
			return "must not be empty", "", true
		}
		return fmt.Sprintf("must be at least %d characters long", k.Want), strconv.Itoa(k.Got), true
	case *kind.MaxLength:
		return fmt.Sprintf("must be at most %d characters long", k.Want), strconv.Itoa(k.Got), true
	case *kind.Minimum:
		return "must be at least " + k.Want.RatString(), k.Got.RatString(), true
	case *kind.Maximum:
		return "must be at most " + k.Want.RatString(), k.Got.RatString(), true
	case *kind.ExclusiveMinimum:
		return "must be greater than " + k.Want.RatString(), k.Got.RatString(), true
	case *kind.ExclusiveMaximum:
		return "must be less than " + k.Want.RatString(), k.Got.RatString(), true
	case *kind.MinItems:
		return fmt.Sprintf("must have at least %d items", k.Want), strconv.Itoa(k.Got), true
	case *kind.MaxItems:
		return fmt.Sprintf("must have at most %d items", k.Want), strconv.Itoa(k.Got), true
	case *kind.MinProperties:
		return fmt.Sprintf("must have at least %d fields", k.Want), strconv.Itoa(k.Got), true
	case *kind.MaxProperties:
		return fmt.Sprintf("must have at most %d fields", k.Want), strconv.Itoa(k.Got), true
	}
	return "", "", false
}

// typeList renders ["integer", "string"] as "integer or string"; a list
// with null reads "string or null".
func typeList(types []string) string {
	if len(types) == len(allTypes) {
		return "any value"
	}
	if i := slices.Index(types, "null"); i >= 0 {
		types = append(slices.Delete(slices.Clone(types), i, i+1), "null")
	}
	return strings.Join(types, " or ")
}

// valueList renders the allowed values of an enum: "a", "b", "c".
func valueList(values []any) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = valueText(v)
	}
	return strings.Join(out, ", ")
}

// typeName names the JSON type of v, or returns "" for a Go value that is
// not JSON.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64, int, int32:
		return "integer"
	case float64, float32:
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return ""
}

// describe names the type and value of v for "got ..." messages; objects
// and arrays by their type alone.
func describe(v any) string {
	switch v.(type) {
	case nil, map[string]any, []any:
		return typeName(v)
	case string, float64, float32:
		return typeName(v) + " " + valueText(v)
	case bool, int64, int, int32:
		return fmt.Sprintf("%s %v", typeName(v), v)
	}
	return valueText(v)
}
