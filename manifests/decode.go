package manifests

import (
	"fmt"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// decodeFile turns the bytes of one file into objects. A .json file holds a
// stream of JSON values; if it is not JSON it is read as YAML, as kubectl
// decides by content. YAML files may hold many documents.
func decodeFile(name string, data []byte, isJSON bool) ([]Object, []Problem) {
	var docs []document
	if isJSON {
		var jsonProblem *Problem
		docs, jsonProblem = splitJSON(name, data)
		if jsonProblem != nil {
			if _, yamlErr := yaml.YAMLToJSON(data); yamlErr != nil {
				return nil, []Problem{*jsonProblem}
			}
			docs = splitDocuments(data)
		}
	} else {
		docs = splitDocuments(data)
	}
	var objs []Object
	var problems []Problem
	fast := newFastYAML()
	index := 0
	for _, d := range docs {
		if isBlank(d.data) {
			continue
		}
		origin := Origin{File: name, Doc: index, Line: d.line + firstContentLine(d.data)}
		index++
		got, p := decodeDocument(fast, origin, d)
		objs = append(objs, got...)
		problems = append(problems, p...)
	}
	return objs, problems
}

// decodeValue parses one document. YAML in the subset fast reads is
// decoded by it; everything else by the same strict YAML 1.1 parser
// sigs.k8s.io/yaml uses, normalised in memory to the values YAMLToJSON and
// Kubernetes' JSON decoder would give, without the JSON round trip.
func decodeValue(fast *fastYAML, d document) (any, error) {
	var raw any
	if d.json {
		err := utiljson.Unmarshal(d.data, &raw)
		return raw, err
	}
	if v, ok := fast.decode(d.data); ok {
		return v, nil
	}
	if err := yamlv2.UnmarshalStrict(d.data, &raw); err != nil {
		return nil, err
	}
	return normalizeValue(raw)
}

func decodeDocument(fast *fastYAML, origin Origin, d document) ([]Object, []Problem) {
	raw, err := decodeValue(fast, d)
	if err != nil {
		if d.json {
			return nil, []Problem{{Origin: origin, Message: "invalid JSON: " + err.Error()}}
		}
		return nil, []Problem{yamlProblem(origin, d, err)}
	}
	if raw == nil {
		return nil, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		if listsObjects(raw) {
			return nil, []Problem{{Origin: origin, Message: "document is a list of objects, which kubectl does not read; write them as a kind: List with items, or as documents separated by ---"}}
		}
		return nil, []Problem{{Origin: origin, NotK8s: true, Message: fmt.Sprintf("document is %s, not a Kubernetes object; a manifest is a mapping with apiVersion, kind and metadata (if this YAML is not a manifest, pass --skip-non-k8s)", valueKind(raw))}}
	}
	return expand(origin, m)
}

// listsObjects reports whether raw is a list holding a Kubernetes object:
// manifests written the wrong way, not YAML of another tool.
func listsObjects(raw any) bool {
	list, _ := raw.([]any)
	for _, item := range list {
		m, _ := item.(map[string]any)
		if _, ok := m["apiVersion"].(string); ok && m["kind"] != nil {
			return true
		}
	}
	return false
}

// valueKind names the YAML kind of a decoded document that is not a
// mapping.
func valueKind(v any) string {
	switch v.(type) {
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// expand checks that m is an object and, for kind: List, returns its items.
func expand(origin Origin, m map[string]any) ([]Object, []Problem) {
	if p := checkObject(origin, m, ""); p != nil {
		return nil, []Problem{*p}
	}
	u := &unstructured.Unstructured{Object: m}
	items, isList := m["items"].([]any)
	if !isList || !strings.HasSuffix(u.GetKind(), "List") {
		return []Object{{Unstructured: u, Origin: origin}}, nil
	}
	var objs []Object
	var problems []Problem
	for i, it := range items {
		field := fmt.Sprintf("items[%d]", i)
		im, ok := it.(map[string]any)
		if !ok {
			problems = append(problems, Problem{Origin: origin, Field: field, Message: "list item is not an object"})
			continue
		}
		if p := checkObject(origin, im, field+"."); p != nil {
			problems = append(problems, *p)
			continue
		}
		objs = append(objs, Object{Unstructured: &unstructured.Unstructured{Object: im}, Origin: origin})
	}
	return objs, problems
}

func checkObject(origin Origin, m map[string]any, prefix string) *Problem {
	for _, f := range []string{"apiVersion", "kind"} {
		if s, _ := m[f].(string); s == "" {
			return &Problem{Origin: origin, Field: prefix + f, NotK8s: true, Message: "missing; every Kubernetes object needs apiVersion and kind (if this YAML is not a manifest, pass --skip-non-k8s)"}
		}
	}
	u := unstructured.Unstructured{Object: m}
	if strings.HasSuffix(u.GetKind(), "List") {
		if _, ok := m["items"].([]any); ok {
			return nil
		}
	}
	if name, found, err := unstructured.NestedFieldNoCopy(m, "metadata", "name"); found && err == nil {
		if _, ok := name.(string); !ok {
			return &Problem{Origin: origin, Field: prefix + "metadata.name", Message: fmt.Sprintf("must be a string, not %v; quote it", name)}
		}
	}
	if u.GetName() == "" && u.GetGenerateName() == "" {
		return &Problem{Origin: origin, Field: prefix + "metadata.name", Message: "missing; set metadata.name"}
	}
	return nil
}
