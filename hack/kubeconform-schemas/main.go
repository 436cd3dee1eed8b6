// Command kubeconform-schemas converts a converge schema bundle into the
// standalone JSON-schema file layout kubeconform reads
// (VERSION-standalone-strict/KIND-GROUP-VERSION.json), so the validate
// benchmark gives both tools the same schemas. It does what
// openapi2jsonschema does for kubeconform's own catalogue: inline $refs,
// int-or-string as string|integer, nullable as a null type, and
// additionalProperties: false on objects with properties (strict).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/convergehq/converge/schemas"
)

// bundle is a converge schema bundle with every schema decoded.
type bundle struct {
	KubernetesVersion string
	Schemas           map[string]map[string]any
}

func main() {
	in := flag.String("bundle", "schemas/data/v1.36.zip", "converge schema bundle")
	out := flag.String("out", "", "directory to write the kubeconform layout into")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "kubeconform-schemas:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	b, err := readBundle(in)
	if err != nil {
		return err
	}
	dir := filepath.Join(out, b.KubernetesVersion+"-standalone-strict")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	n := 0
	for _, s := range b.Schemas {
		gvks, _ := s["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			gvk, _ := g.(map[string]any)
			group, _ := gvk["group"].(string)
			version, _ := gvk["version"].(string)
			kind, _ := gvk["kind"].(string)
			name := strings.ToLower(kind)
			if group != "" {
				name += "-" + strings.ToLower(strings.Split(group, ".")[0])
			}
			name += "-" + strings.ToLower(version) + ".json"
			data, err := json.Marshal(inline(b.Schemas, s, map[string]bool{}))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				return err
			}
			n++
		}
	}
	fmt.Printf("wrote %d kubeconform schemas to %s\n", n, dir)
	return nil
}

// readBundle reads the bundle file at path.
func readBundle(path string) (bundle, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return bundle{}, err
	}
	raw, err := schemas.ReadBundle(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return bundle{}, fmt.Errorf("%s: %w", path, err)
	}
	b := bundle{KubernetesVersion: raw.KubernetesVersion, Schemas: make(map[string]map[string]any, len(raw.Schemas))}
	for name, s := range raw.Schemas {
		var m map[string]any
		if err := json.Unmarshal(s, &m); err != nil {
			return bundle{}, fmt.Errorf("%s: schema %s: %w", path, name, err)
		}
		b.Schemas[name] = m
	}
	return b, nil
}

// inline returns s with every $ref replaced by its target, in JSON Schema
// draft 4 terms, strict. onPath holds the refs being expanded: a recursive
// schema (JSONSchemaProps) becomes an empty schema where it recurses.
func inline(all map[string]map[string]any, s map[string]any, onPath map[string]bool) map[string]any {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		if onPath[name] {
			return map[string]any{}
		}
		onPath[name] = true
		defer delete(onPath, name)
		return inline(all, all[name], onPath)
	}
	if allOf, ok := s["allOf"].([]any); ok && len(allOf) == 1 {
		if ref, ok := allOf[0].(map[string]any); ok {
			merged := inline(all, ref, onPath)
			out := map[string]any{}
			for k, v := range merged {
				out[k] = v
			}
			if d, ok := s["description"]; ok {
				out["description"] = d
			}
			return out
		}
	}
	out := map[string]any{}
	for k, v := range s {
		switch k {
		case "properties":
			props := map[string]any{}
			for name, p := range v.(map[string]any) {
				props[name] = inline(all, p.(map[string]any), onPath)
			}
			out[k] = props
		case "items", "additionalProperties":
			if m, ok := v.(map[string]any); ok {
				out[k] = inline(all, m, onPath)
			} else {
				out[k] = v
			}
		case "x-kubernetes-group-version-kind", "default":
		default:
			out[k] = v
		}
	}
	if s["x-kubernetes-int-or-string"] == true {
		out["oneOf"] = []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}
	}
	if t, ok := out["type"].(string); ok && s["nullable"] == true {
		out["type"] = []any{t, "null"}
	}
	if _, ok := out["properties"]; ok && s["x-kubernetes-preserve-unknown-fields"] != true {
		if _, set := out["additionalProperties"]; !set {
			out["additionalProperties"] = false
		}
	}
	return out
}
