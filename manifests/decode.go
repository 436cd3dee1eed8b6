package manifests

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// decodeFile turns the bytes of one file into objects. JSON files hold one
// document; YAML files may hold many.
func decodeFile(name string, data []byte, isJSON bool) ([]Object, []Problem) {
	docs := []document{{data: data, line: 1}}
	if !isJSON {
		docs = splitDocuments(data)
	}
	var objs []Object
	var problems []Problem
	for i, d := range docs {
		if isBlank(d.data) {
			continue
		}
		origin := Origin{File: name, Doc: i, Line: d.line + firstContentLine(d.data)}
		got, p := decodeDocument(origin, d)
		objs = append(objs, got...)
		problems = append(problems, p...)
	}
	return objs, problems
}

func decodeDocument(origin Origin, d document) ([]Object, []Problem) {
	js, err := yaml.YAMLToJSON(d.data)
	if err != nil {
		msg, line := shiftLines(strings.TrimPrefix(err.Error(), "error converting YAML to JSON: "), d.line)
		if line > 0 {
			origin.Line = line
		}
		return nil, []Problem{{Origin: origin, Message: "invalid YAML: " + msg + "; fix the syntax (indent with spaces, quote values that contain ': ' or '{{')"}}
	}
	var raw any
	if err := utiljson.Unmarshal(js, &raw); err != nil {
		return nil, []Problem{{Origin: origin, Message: "invalid JSON: " + err.Error()}}
	}
	if raw == nil {
		return nil, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, []Problem{{Origin: origin, Message: fmt.Sprintf("document is a %T, not a Kubernetes object; a manifest is a mapping with apiVersion, kind and metadata", raw)}}
	}
	return expand(origin, m)
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
			return &Problem{Origin: origin, Field: prefix + f, Message: "missing; every Kubernetes object needs apiVersion and kind (is this file a manifest?)"}
		}
	}
	u := unstructured.Unstructured{Object: m}
	if strings.HasSuffix(u.GetKind(), "List") {
		if _, ok := m["items"].([]any); ok {
			return nil
		}
	}
	if u.GetName() == "" && u.GetGenerateName() == "" {
		return &Problem{Origin: origin, Field: prefix + "metadata.name", Message: "missing; set metadata.name"}
	}
	return nil
}
