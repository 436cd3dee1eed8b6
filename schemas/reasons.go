package schemas

import (
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.English)

// issues flattens a jsonschema error tree into one issue per leaf: one per
// unknown field (only when strict), one per missing field, one per wrong
// value.
func issues(verr *jsonschema.ValidationError, root any, strict bool, out []issue) []issue {
	loc := verr.InstanceLocation
	switch k := verr.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
		for _, c := range verr.Causes {
			out = issues(c, root, strict, out)
		}
		return out
	case *kind.AdditionalProperties:
		if !strict {
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
		return append(out, issue{append(slices.Clip(loc), fmt.Sprint(k.Index)), k.Reason})
	case *kind.AnyOf, *kind.OneOf:
		return append(out, issue{loc, alternatives(verr, root, strict)})
	}
	return append(out, issue{loc, reason(verr.ErrorKind, valueAt(root, loc))})
}

// alternatives explains an anyOf or oneOf that no branch satisfied, or a
// oneOf that more than one satisfied.
func alternatives(verr *jsonschema.ValidationError, root any, strict bool) string {
	if one, ok := verr.ErrorKind.(*kind.OneOf); ok && len(one.Subschemas) > 1 {
		return fmt.Sprintf("must match exactly one of the allowed forms, but matches forms %d and %d", one.Subschemas[0]+1, one.Subschemas[1]+1)
	}
	var why []string
	for _, c := range verr.Causes {
		var sub []string
		for _, is := range issues(c, root, strict, nil) {
			sub = append(sub, is.reason)
		}
		why = append(why, strings.Join(sub, " and "))
	}
	return "must match one of the allowed forms: " + strings.Join(why, "; or ")
}

// reason words one error about value v.
func reason(k jsonschema.ErrorKind, v any) string {
	switch k := k.(type) {
	case *kind.Type:
		return fmt.Sprintf("must be %s, got %s", typeList(k.Want), describe(v))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = valueText(w)
		}
		return fmt.Sprintf("must be one of %s; got %s", strings.Join(want, ", "), valueText(v))
	case *kind.Format:
		return k.Err.Error()
	case *kind.MinLength:
		if k.Want == 1 {
			return "must not be empty"
		}
		return fmt.Sprintf("must be at least %d characters long, got %d", k.Want, k.Got)
	case *kind.MaxLength:
		return fmt.Sprintf("must be at most %d characters long, got %d", k.Want, k.Got)
	case *kind.Pattern:
		return fmt.Sprintf("must match the pattern %s, got %s", k.Want, valueText(v))
	case *kind.Minimum:
		return fmt.Sprintf("must be at least %s, got %s", k.Want.RatString(), k.Got.RatString())
	case *kind.Maximum:
		return fmt.Sprintf("must be at most %s, got %s", k.Want.RatString(), k.Got.RatString())
	case *kind.ExclusiveMinimum:
		return fmt.Sprintf("must be greater than %s, got %s", k.Want.RatString(), k.Got.RatString())
	case *kind.ExclusiveMaximum:
		return fmt.Sprintf("must be less than %s, got %s", k.Want.RatString(), k.Got.RatString())
	case *kind.MinItems:
		return fmt.Sprintf("must have at least %d items, got %d", k.Want, k.Got)
	case *kind.MaxItems:
		return fmt.Sprintf("must have at most %d items, got %d", k.Want, k.Got)
	case *kind.MinProperties:
		return fmt.Sprintf("must have at least %d fields, got %d", k.Want, k.Got)
	case *kind.MaxProperties:
		return fmt.Sprintf("must have at most %d fields, got %d", k.Want, k.Got)
	case *kind.UniqueItems:
		return fmt.Sprintf("items %d and %d are equal; items must be unique", k.Duplicates[0], k.Duplicates[1])
	case *kind.Not:
		return "must not match the forbidden form"
	case *kind.InvalidJsonValue:
		return fmt.Sprintf("holds a Go value of type %T, which is not JSON", k.Value)
	}
	return k.LocalizedString(printer)
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

// describe names the type and value of v for "got ..." messages.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string " + valueText(x)
	case bool:
		return fmt.Sprintf("boolean %t", x)
	case int64, int, int32:
		return fmt.Sprintf("integer %d", x)
	case float64, float32:
		return "number " + valueText(x)
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return valueText(v)
}
