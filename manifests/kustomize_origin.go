package manifests

import (
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/api/resource"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"
)

// originLocator turns kustomize's origin annotations into Origins, with the
// line of the document (or of the generator entry) where it can find one.
type originLocator struct {
	dir, kfile string
	read       func(string) ([]byte, error)
	files      map[string][]docEntry
	kusts      map[string]*kyaml.RNode
}

func newOriginLocator(dir, kfile string, read func(string) ([]byte, error)) *originLocator {
	return &originLocator{dir: dir, kfile: kfile, read: read, files: map[string][]docEntry{}, kusts: map[string]*kyaml.RNode{}}
}

// generatorFields maps builtin generator kinds to the kustomization field
// that configures them.
var generatorFields = map[string]string{
	"ConfigMapGenerator":          "configMapGenerator",
	"SecretGenerator":             "secretGenerator",
	"HelmChartInflationGenerator": "helmCharts",
}

func (l *originLocator) origin(ko *resource.Origin, kind, name string) Origin {
	if ko == nil || (ko.Path == "" && ko.ConfiguredIn == "") {
		return Origin{File: l.kfile}
	}
	if ko.Repo != "" {
		p := ko.Path
		if ko.ConfiguredIn != "" {
			p = ko.ConfiguredIn
		}
		file := ko.Repo + "//" + p
		if ko.Ref != "" {
			file += "?ref=" + ko.Ref
		}
		return Origin{File: file}
	}
	if ko.ConfiguredIn != "" {
		file := filepath.Join(l.dir, filepath.FromSlash(ko.ConfiguredIn))
		return Origin{File: file, Line: l.generatorLine(file, generatorFields[ko.ConfiguredBy.Kind], name)}
	}
	file := filepath.Join(l.dir, filepath.FromSlash(ko.Path))
	doc, line := l.documentOf(file, kind, name)
	return Origin{File: file, Doc: doc, Line: line}
}

// generatorLine returns the line of the generator entry in a kustomization
// file whose name is part of the generated object's name (which may carry
// a prefix, a suffix and a hash), else the line of the field, else 1.
func (l *originLocator) generatorLine(file, field, objName string) int {
	rn, ok := l.kusts[file]
	if !ok {
		if data, err := l.read(file); err == nil {
			rn, _ = kyaml.Parse(string(data))
		}
		l.kusts[file] = rn
	}
	if rn == nil || field == "" {
		return 1
	}
	f := rn.Field(field)
	if f == nil {
		return 1
	}
	best, line := -1, f.Key.YNode().Line
	if f.Value.YNode().Kind == kyaml.SequenceNode {
		for _, item := range f.Value.YNode().Content {
			n := kyaml.NewRNode(item).Field("name")
			if n == nil {
				continue
			}
			gen := n.Value.YNode().Value
			if strings.Contains(objName, gen) && len(gen) > best {
				best, line = len(gen), item.Line
			}
		}
	}
	if line < 1 {
		return 1
	}
	return line
}

// docEntry is one object (or List item) of a resource file.
type docEntry struct {
	doc, line  int
	kind, name string
}

// documentOf finds the document of file that an object came from: the only
// document, else the one with the same kind whose name is the longest part
// of the object's current name (kustomize may have added a prefix, suffix
// or hash). It returns doc 0, line 1 when it cannot tell.
func (l *originLocator) documentOf(file, kind, name string) (int, int) {
	entries, ok := l.files[file]
	if !ok {
		entries = readDocEntries(l.read, file)
		l.files[file] = entries
	}
	if len(entries) == 0 {
		return 0, 1
	}
	if len(entries) == 1 {
		return entries[0].doc, entries[0].line
	}
	best := -1
	doc, line := 0, 1
	for _, e := range entries {
		if e.kind == kind && strings.Contains(name, e.name) && len(e.name) > best {
			best, doc, line = len(e.name), e.doc, e.line
		}
	}
	return doc, line
}

func readDocEntries(read func(string) ([]byte, error), file string) []docEntry {
	data, err := read(file)
	if err != nil {
		return nil
	}
	var entries []docEntry
	docs := splitDocuments(data)
	nonBlank := 0
	for _, d := range docs {
		if !isBlank(d.data) {
			nonBlank++
		}
	}
	for i, d := range docs {
		if isBlank(d.data) {
			continue
		}
		line := d.line + firstContentLine(d.data)
		if nonBlank == 1 {
			return []docEntry{{doc: i, line: line}}
		}
		kind, name, ok := scanKindName(d.data)
		if ok {
			entries = append(entries, docEntry{doc: i, line: line, kind: kind, name: name})
			continue
		}
		var head struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
			Items []struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			} `json:"items"`
		}
		if yaml.Unmarshal(d.data, &head) != nil {
			continue
		}
		entries = append(entries, docEntry{doc: i, line: line, kind: head.Kind, name: head.Metadata.Name})
		for _, it := range head.Items {
			entries = append(entries, docEntry{doc: i, line: line, kind: it.Kind, name: it.Metadata.Name})
		}
	}
	return entries
}

// scanKindName reads kind and metadata.name from a block-style YAML
// document without decoding it, which is much cheaper for files with many
// documents. ok is false when the document is not laid out simply.
func scanKindName(data []byte) (kind, name string, ok bool) {
	inMeta := false
	metaIndent := -1
	for _, raw := range strings.Split(string(data), "\n") {
		l := strings.TrimRight(raw, " \t\r")
		t := strings.TrimLeft(l, " ")
		if t == "" || t[0] == '#' {
			continue
		}
		indent := len(l) - len(t)
		if indent == 0 {
			inMeta = false
			switch {
			case strings.HasPrefix(t, "kind:"):
				kind = scalarValue(t[len("kind:"):])
			case t == "metadata:":
				inMeta, metaIndent = true, -1
			}
			continue
		}
		if !inMeta {
			continue
		}
		if metaIndent < 0 {
			metaIndent = indent
		}
		if indent == metaIndent && strings.HasPrefix(t, "name:") {
			name = scalarValue(t[len("name:"):])
		}
	}
	return kind, name, kind != "" && name != ""
}

// scalarValue returns a plain or simply quoted scalar, or "" for anything
// else.
func scalarValue(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " #"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	if s == "" || strings.ContainsAny(s[:1], "\"'{[&*!|>%@`") {
		return ""
	}
	return s
}
