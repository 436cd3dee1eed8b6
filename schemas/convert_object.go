package schemas

import (
	"fmt"
	"sort"
)

// object converts properties, additionalProperties and required, and
// applies x-kubernetes-preserve-unknown-fields and
// x-kubernetes-embedded-resource.
func (cv *converter) object(in, out map[string]any, at string, junctor bool) error {
	if props, ok := in["properties"]; ok {
		m, isMap := props.(map[string]any)
		if !isMap {
			return &convertError{at + ".properties", "must be a map of field names to schemas"}
		}
		conv := make(map[string]any, len(m))
		for _, name := range sortedKeys(m) {
			sub, isMap := m[name].(map[string]any)
			if !isMap {
				return &convertError{at + ".properties[" + name + "]", "must be a schema"}
			}
			c, err := cv.field(sub, at+".properties["+name+"]", junctor)
			if err != nil {
				return err
			}
			conv[name] = c
		}
		out["properties"] = conv
	}
	switch ap := in["additionalProperties"].(type) {
	case nil:
	case bool:
		// The CRDs-catalog closes every object with properties, also one
		// that keeps unknown fields: the API server keeps them.
		if !(cv.loose && !ap && in["x-kubernetes-preserve-unknown-fields"] == true) {
			out["additionalProperties"] = ap
		}
	case map[string]any:
		c, err := cv.field(ap, at+".additionalProperties", junctor)
		if err != nil {
			return err
		}
		out["additionalProperties"] = c
	default:
		return &convertError{at + ".additionalProperties", "must be a schema or a boolean"}
	}
	if req, ok := in["required"]; ok {
		list, isList := req.([]any)
		if !isList {
			return &convertError{at + ".required", "must be a list of field names"}
		}
		out["required"] = list
	}
	if in["x-kubernetes-embedded-resource"] == true {
		embedResource(out)
	}
	if cv.closed(in, out, junctor) {
		out["additionalProperties"] = false
	}
	return nil
}

// field converts the schema of a field or list item. A CRD schema must be
// structural: every field has a type, unless it is int-or-string or keeps
// unknown fields (value validations in junctors need none).
func (cv *converter) field(in map[string]any, at string, junctor bool) (map[string]any, error) {
	if cv.crd && !cv.loose && !junctor && in["type"] == nil && in["x-kubernetes-int-or-string"] != true && in["x-kubernetes-preserve-unknown-fields"] != true {
		return nil, &convertError{at + ".type", "missing: a structural schema gives every field a type, unless it sets x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields"}
	}
	return cv.node(in, at, junctor)
}

// closed reports whether fields not listed in properties are unknown.
func (cv *converter) closed(in, out map[string]any, junctor bool) bool {
	if junctor || in["x-kubernetes-preserve-unknown-fields"] == true {
		return false
	}
	if _, ok := out["additionalProperties"]; ok {
		return false
	}
	if _, ok := out["properties"]; ok {
		return true
	}
	// A CRD object with no fields keeps none: the API server prunes them.
	return cv.crd && !cv.loose && in["type"] == "object"
}

// embedResource declares the fields an x-kubernetes-embedded-resource object must
// have, as the API server checks them: a non-empty apiVersion and kind,
// and metadata that is an ObjectMeta.
func embedResource(out map[string]any) {
	props, _ := out["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		out["properties"] = props
	}
	props["apiVersion"] = map[string]any{"type": "string", "minLength": 1}
	props["kind"] = map[string]any{"type": "string", "minLength": 1}
	props["metadata"] = map[string]any{"$ref": defURL(objectMetaDef)}
	req, _ := out["required"].([]any)
	out["required"] = append(append([]any{}, req...), "apiVersion", "kind")
}

// array converts items and x-kubernetes-list-type.
func (cv *converter) array(in, out map[string]any, at string, junctor bool) error {
	var items map[string]any
	switch it := in["items"].(type) {
	case nil:
	case map[string]any:
		c, err := cv.field(it, at+".items", junctor)
		if err != nil {
			return err
		}
		out["items"] = c
		items = it
	default:
		return &convertError{at + ".items", "must be a single schema"}
	}
	switch lt := in["x-kubernetes-list-type"]; lt {
	case nil, "atomic":
	case "set":
		out[listKeyword] = map[string]any{"type": "set"}
	case "map":
		keys, _ := in["x-kubernetes-list-map-keys"].([]any)
		if len(keys) == 0 {
			return &convertError{at + ".x-kubernetes-list-map-keys", "must list the key fields of a list of type map"}
		}
		out[listKeyword] = map[string]any{"type": "map", "keys": keys, "defaults": cv.keyDefaults(items, keys)}
	default:
		return &convertError{at + ".x-kubernetes-list-type", fmt.Sprintf("unsupported list type %s: use atomic, set or map", jsonText(lt))}
	}
	return nil
}

// keyDefaults are the defaults of the key fields of a list map's items: the
// API server defaults them before it compares keys.
func (cv *converter) keyDefaults(items map[string]any, keys []any) map[string]any {
	if items != nil && !cv.crd && cv.raw != nil {
		if ref, ok := items["$ref"].(string); ok {
			items = cv.raw(ref)
		} else if all, ok := items["allOf"].([]any); ok && len(all) == 1 {
			if only, ok := all[0].(map[string]any); ok {
				ref, _ := only["$ref"].(string)
				items = cv.raw(ref)
			}
		}
	}
	props, _ := items["properties"].(map[string]any)
	defaults := map[string]any{}
	for _, k := range keys {
		name, _ := k.(string)
		if p, ok := props[name].(map[string]any); ok {
			if d, ok := p["default"]; ok {
				defaults[name] = d
			}
		}
	}
	return defaults
}

// junctors converts allOf, anyOf, oneOf and not. An allOf of a single $ref
// was already turned into $ref. An anyOf or oneOf of only integer and
// string types on an int-or-string field is dropped: the type says it.
func (cv *converter) junctors(in, out map[string]any, at string) error {
	for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
		list, ok := in[kw]
		if !ok || (kw == "allOf" && out["$ref"] != nil) {
			continue
		}
		all, isList := list.([]any)
		if !isList {
			return &convertError{at + "." + kw, "must be a list of schemas"}
		}
		if kw != "allOf" && in["x-kubernetes-int-or-string"] == true && onlyTypes(all) {
			continue
		}
		conv := make([]any, 0, len(all))
		for i, s := range all {
			m, isMap := s.(map[string]any)
			if !isMap {
				return &convertError{fmt.Sprintf("%s.%s[%d]", at, kw, i), "must be a schema"}
			}
			c, err := cv.node(m, fmt.Sprintf("%s.%s[%d]", at, kw, i), true)
			if err != nil {
				return err
			}
			conv = append(conv, c)
		}
		out[kw] = conv
	}
	if not, ok := in["not"].(map[string]any); ok {
		c, err := cv.node(not, at+".not", true)
		if err != nil {
			return err
		}
		out["not"] = c
	}
	return nil
}

// onlyTypes reports whether every schema of list has nothing but a type.
func onlyTypes(list []any) bool {
	for _, s := range list {
		m, ok := s.(map[string]any)
		if !ok || len(m) != 1 || m["type"] == nil {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
