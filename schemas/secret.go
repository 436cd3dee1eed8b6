package schemas

import (
	"errors"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A Secret's values are never shown: a problem under its data or
// stringData names the key and the rule, and at most the type of the
// value, never the value, in every output of validate, apply and diff.

// secretKind is the kind whose data and stringData values are hidden.
var secretKind = schema.GroupKind{Kind: "Secret"}

// secretNote ends every reason that leaves a value of a Secret out.
const secretNote = " (the value of a Secret is never shown)"

// hides reports whether the value at loc must never be shown: data or
// stringData of a Secret, or anything in them.
func (w walker) hides(loc []string) bool {
	return w.secret && len(loc) > 0 && (loc[0] == "data" || loc[0] == "stringData")
}

// hiddenRule words one error about value v without showing v: the rule
// broken, and at most the type of v.
func hiddenRule(k jsonschema.ErrorKind, v any) string {
	if rule, _, ok := bound(k); ok {
		return rule
	}
	switch k := k.(type) {
	case *kind.Type:
		if t := typeName(v); t != "" {
			return fmt.Sprintf("must be %s, got %s", typeList(k.Want), t)
		}
		return "must be " + typeList(k.Want)
	case *kind.Format:
		return formatRule(k)
	case *kind.Enum:
		return "must be one of " + valueList(k.Want)
	case *kind.Pattern:
		return "must match the pattern " + k.Want
	case *kind.UniqueItems, *kind.Not, *kind.InvalidJsonValue:
		return reason(k, nil) // these name no value
	}
	if kw := k.KeywordPath(); len(kw) > 0 {
		return fmt.Sprintf("fails the %q rule of its schema", kw[0])
	}
	return "is not allowed by its schema"
}

// formatRule words a format's rule and hint, without the value.
func formatRule(k *kind.Format) string {
	var fe *formatError
	if !errors.As(k.Err, &fe) {
		return fmt.Sprintf("must be in the %q format", k.Want)
	}
	if fe.hint == "" {
		return fe.rule
	}
	return fe.rule + "; " + fe.hint
}
