package schemas

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Where converted schemas live for the compiler. The host is reserved
// (.invalid) so no URL can ever be fetched.
const (
	defsBase = "https://converge.invalid/defs/"
	crdsBase = "https://converge.invalid/crds/"
	// locationBase is where schemas found at a --schema-location live.
	locationBase = "https://converge.invalid/located/"
)

// Names of definitions that get a hand-written schema.
const (
	intOrStringDef = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
	quantityDef    = "io.k8s.apimachinery.pkg.api.resource.Quantity"
	objectMetaDef  = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
)

// allTypes is the type list of a nullable schema that names no type: any
// value, null included. Listing null marks the schema nullable for
// pruneNulls.
var allTypes = []any{"null", "boolean", "integer", "number", "string", "array", "object"}

var validTypes = map[string]bool{"object": true, "array": true, "string": true, "integer": true, "number": true, "boolean": true}

// keptFormats are the formats checked, with the types they apply to. Other
// formats, such as "double" or CRD formats the API server may not know,
// are dropped so they can never reject a valid object.
var keptFormats = map[string]string{
	"int32": "integer", "int64": "integer",
	"byte": "string", "date-time": "string", "date": "string",
	"uuid": "string", "ipv4": "string", "ipv6": "string", "cidr": "string", "mac": "string",
}

// passThrough are value validations copied unchanged.
var passThrough = []string{
	"pattern", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
	"minProperties", "maxProperties", "multipleOf", "minimum", "maximum", "enum",
}

// converter turns schemas of the Kubernetes dialect of OpenAPI v3 into JSON
// Schema 2020-12 for jsonschema/v6.
type converter struct {
	// crd selects the rules of CRD structural schemas: $ref is not allowed,
	// defaults are kept (the API server applies them before validating),
	// and an object that lists no fields has none (they would be pruned).
	crd bool
	// loose, with crd, reads the JSON schemas kubeconform uses (the
	// CRDs-catalog, kubernetes-json-schema's standalone files): a type may
	// be a list of types, null included, a field needs no type, and an
	// object that lists no fields is open.
	loose bool
	// raw finds a raw definition by name, to read the defaults of list-map
	// keys; nil for CRDs.
	raw func(name string) map[string]any
}

// convertError is a problem with a schema, at a path within it.
type convertError struct {
	at  string
	msg string
}

func (e *convertError) Error() string {
	if e.at == "" {
		return e.msg
	}
	return e.at + ": " + e.msg
}

func defURL(name string) string { return defsBase + url.PathEscape(name) }

// definition converts the named component schema.
func (cv *converter) definition(name string, in map[string]any) (map[string]any, error) {
	switch name {
	case intOrStringDef:
		return map[string]any{"type": []any{"integer", "string"}, "format": "int-or-string"}, nil
	case quantityDef:
		return map[string]any{"type": []any{"string", "number"}, "format": "quantity"}, nil
	}
	out, err := cv.node(in, "", false)
	if err != nil {
		return nil, err
	}
	for _, f := range alsoRequired[name] {
		req, _ := out["required"].([]any)
		if !slices.Contains(req, f) {
			out["required"] = append(slices.Clone(req), f)
		}
	}
	return out, nil
}

// alsoRequired are fields the API server requires although the OpenAPI
// schema does not say so: every container of a pod template needs an
// image.
var alsoRequired = map[string][]any{
	"io.k8s.api.core.v1.Container": {"image"},
}

// node converts one schema. at is its path for messages; in a junctor
// (allOf, anyOf, oneOf, not) objects stay open: those only add value
// validations to fields the enclosing schema declares.
func (cv *converter) node(in map[string]any, at string, junctor bool) (map[string]any, error) {
	out := make(map[string]any, 8)
	if err := cv.ref(in, out, at); err != nil {
		return nil, err
	}
	nullable, err := cv.typ(in, out, at)
	if err != nil {
		return nil, err
	}
	for _, k := range passThrough {
		if v, ok := in[k]; ok {
			out[k] = v
		}
	}
	if enum, ok := out["enum"].([]any); ok && nullable {
		out["enum"] = append(slices.Clone(enum), nil)
	}
	exclusive(in, out)
	if cv.crd {
		if d, ok := in["default"]; ok {
			out["default"] = d
		}
	}
	if err := cv.object(in, out, at, junctor); err != nil {
		return nil, err
	}
	if err := cv.array(in, out, at, junctor); err != nil {
		return nil, err
	}
	return out, cv.junctors(in, out, at)
}

// ref converts $ref, and the allOf of a single $ref that OpenAPI v3 uses to
// give a reference siblings.
func (cv *converter) ref(in, out map[string]any, at string) error {
	ref, ok := in["$ref"].(string)
	if all, isList := in["allOf"].([]any); !ok && isList && len(all) == 1 {
		if only, isMap := all[0].(map[string]any); isMap && len(only) == 1 {
			ref, ok = only["$ref"].(string)
		}
	}
	if !ok {
		return nil
	}
	if cv.loose {
		return &convertError{at, fmt.Sprintf("$ref %q is not supported in a schema from --schema-location: use standalone schemas, which have none (kubeconform's *-standalone directories, the CRDs-catalog)", ref)}
	}
	if cv.crd {
		return &convertError{at, "$ref is not allowed in a CustomResourceDefinition schema"}
	}
	for _, prefix := range []string{"#/components/schemas/", "#/definitions/"} {
		if name, found := strings.CutPrefix(ref, prefix); found {
			if scalar := cv.scalar(name); scalar != nil {
				maps.Copy(out, scalar)
				return nil
			}
			out["$ref"] = defURL(name)
			return nil
		}
	}
	return &convertError{at, fmt.Sprintf("unsupported $ref %q", ref)}
}

// scalar returns the converted schema of a definition that is a single
// value, such as IntOrString, Quantity or Time, to be inlined where it is
// referenced: a $ref costs more to validate than the value itself.
func (cv *converter) scalar(name string) map[string]any {
	if cv.raw == nil {
		return nil
	}
	var raw map[string]any
	if name != intOrStringDef && name != quantityDef {
		raw = cv.raw("#/components/schemas/" + name)
		if raw == nil || raw["properties"] != nil || raw["items"] != nil || raw["additionalProperties"] != nil {
			return nil
		}
		if t, _ := raw["type"].(string); t == "" || t == "object" || t == "array" {
			return nil
		}
	}
	out, err := cv.definition(name, raw)
	if err != nil {
		return nil
	}
	return out
}

// typ converts type, nullable, x-kubernetes-int-or-string and format,
// and reports whether null is a valid value.
func (cv *converter) typ(in, out map[string]any, at string) (bool, error) {
	types, nullable, err := cv.types(in["type"], at)
	if err != nil {
		return false, err
	}
	nullable = nullable || in["nullable"] == true
	if in["x-kubernetes-int-or-string"] == true {
		types = []any{"integer", "string"}
	}
	if nullable {
		if len(types) == 0 {
			types = allTypes
		} else {
			types = append(types, "null")
		}
	}
	switch len(types) {
	case 0:
	case 1:
		out["type"] = types[0]
	default:
		out["type"] = types
	}
	if f, ok := in["format"].(string); ok && len(types) > 0 && keptFormats[f] == types[0] {
		out["format"] = f
	}
	return nullable, nil
}

// types reads a schema's type: one of validTypes or, in a loose schema,
// a list of them where "null" makes the schema nullable.
func (cv *converter) types(t any, at string) (types []any, nullable bool, err error) {
	if t == nil {
		return nil, false, nil
	}
	list := []any{t}
	if l, isList := t.([]any); isList && cv.loose {
		list = l
	}
	for _, item := range list {
		s, isString := item.(string)
		switch {
		case isString && validTypes[s]:
			types = append(types, s)
		case isString && s == "null" && cv.loose:
			nullable = true
		default:
			return nil, false, &convertError{at + ".type", fmt.Sprintf("unsupported type %s: use object, array, string, integer, number or boolean", jsonText(t))}
		}
	}
	return types, nullable, nil
}

// exclusive turns the boolean exclusiveMinimum and exclusiveMaximum of
// OpenAPI v3.0 into the numeric form of JSON Schema.
func exclusive(in, out map[string]any) {
	for _, pair := range [][2]string{{"exclusiveMinimum", "minimum"}, {"exclusiveMaximum", "maximum"}} {
		switch v := in[pair[0]].(type) {
		case bool:
			if bound, ok := in[pair[1]]; ok && v {
				out[pair[0]] = bound
				delete(out, pair[1])
			}
		case json.Number, float64, int64:
			out[pair[0]] = v
		}
	}
}

// jsonText renders v compactly for messages.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
