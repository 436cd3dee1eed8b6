package schemas

import "github.com/santhosh-tekuri/jsonschema/v6"

// nullType marks nullable schemas: their type list includes null.
var nullType = func() jsonschema.Types {
	var t jsonschema.Types
	t.Add("null")
	return t
}()

// hasNull reports whether v holds a null anywhere. Manifests rarely do, so
// the schema-guided copy of pruneNulls is rarely needed.
func hasNull(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range x {
			if hasNull(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasNull(e) {
				return true
			}
		}
	}
	return false
}

// pruneNulls returns a copy of v without the null fields whose schema is
// not nullable, as the API server reads them: a built-in type decodes null
// into an absent field, and a custom resource's null is pruned, or
// replaced by the field's default, before validation. A null list item is
// kept, and fails unless the item schema is nullable. Fields without a
// schema (unknown, or preserved) are kept as written.
func pruneNulls(v any, s *jsonschema.Schema) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			sub := memberSchema(s, k, 0)
			if e == nil && sub != nil && !nullable(sub) {
				if d := defaultOf(sub); d != nil {
					out[k] = *d
				}
				continue
			}
			out[k] = pruneNulls(e, sub)
		}
		return out
	case []any:
		out := make([]any, len(x))
		items := itemSchema(s)
		for i, e := range x {
			out[i] = pruneNulls(e, items)
		}
		return out
	}
	return v
}

// maxRefs bounds how many $ref and allOf hops a lookup follows, so a
// schema that refers to itself without nesting cannot loop.
const maxRefs = 16

// memberSchema finds the schema of field k of an object with schema s,
// through $ref and allOf.
func memberSchema(s *jsonschema.Schema, k string, depth int) *jsonschema.Schema {
	if s == nil || depth > maxRefs {
		return nil
	}
	if p, ok := s.Properties[k]; ok {
		return p
	}
	if r := memberSchema(s.Ref, k, depth+1); r != nil {
		return r
	}
	for _, a := range s.AllOf {
		if r := memberSchema(a, k, depth+1); r != nil {
			return r
		}
	}
	if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
		return ap
	}
	return nil
}

// itemSchema finds the schema of the items of a list with schema s.
func itemSchema(s *jsonschema.Schema) *jsonschema.Schema {
	for i := 0; s != nil && i < maxRefs; i++ {
		if s.Items2020 != nil {
			return s.Items2020
		}
		s = s.Ref
	}
	return nil
}

// nullable reports whether s, or the schema it refers to, accepts null.
func nullable(s *jsonschema.Schema) bool {
	for i := 0; s != nil && i < maxRefs; i++ {
		if s.Types != nil {
			return *s.Types&nullType != 0
		}
		s = s.Ref
	}
	return false
}

// defaultOf returns the default of s, kept only for CRD schemas.
func defaultOf(s *jsonschema.Schema) *any {
	for i := 0; s != nil && i < maxRefs; i++ {
		if s.Default != nil {
			return s.Default
		}
		s = s.Ref
	}
	return nil
}
