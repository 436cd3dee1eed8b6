package manifests

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Syntax errors are reported as file:line:column with the parser's reason
// and a hint for the common causes: tabs, unquoted templates, duplicate keys
// and broken indentation. The YAML parser reports lines only, so the column
// is found from the offending text on that line.

var (
	yamlLineRE   = regexp.MustCompile(`line (\d+)`)
	duplicateRE  = regexp.MustCompile(`key "([^"]*)" already set`)
	yamlPrefixRE = regexp.MustCompile(`^(error converting YAML to JSON: )?(yaml: )?(unmarshal errors:\s*)?`)
)

// yamlProblem turns a YAML parse error in document d into a Problem with an
// absolute line and column.
func yamlProblem(origin Origin, d document, err error) Problem {
	msg := yamlPrefixRE.ReplaceAllString(strings.TrimSpace(err.Error()), "")
	rel := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		rel, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(strings.Replace(msg, m[0]+":", "", 1))
	}
	lines := strings.Split(string(d.data), "\n")
	if rel == 0 {
		// Some errors, such as a template used as a map key, carry no
		// line: point at the first template marker instead.
		for i, l := range lines {
			if strings.Contains(l, "{{") {
				rel = i + 1
				msg = "unquoted template " + strings.TrimSpace(l[strings.Index(l, "{{"):])
				break
			}
		}
	}
	// At the end of the stream the parser can count lines past the last.
	rel = min(rel, len(lines))
	line, col, hint := locate(lines, rel, msg)
	if line > 0 {
		origin.Line = d.line + line - 1
		origin.Column = col
	}
	return Problem{Origin: origin, Message: "invalid YAML: " + msg + "; " + hint}
}

// locate finds the line (one-based, within the document) and column of the
// error and a hint. rel is the line the parser reported, 0 if none.
func locate(lines []string, rel int, msg string) (int, int, string) {
	if m := duplicateRE.FindStringSubmatch(msg); m != nil {
		return rel, indent(lineAt(lines, rel)) + 1, "remove one of the duplicate " + strconv.Quote(m[1]) + " keys"
	}
	if strings.Contains(msg, "excessive aliasing") {
		return rel, 0, "its aliases expand too far (a YAML bomb?): write the values out instead of nesting anchors"
	}
	// The parser often reports the line after the culprit; look at both.
	for _, l := range []int{rel, rel - 1} {
		text := lineAt(lines, l)
		if i := strings.Index(text, "\t"); i >= 0 && strings.TrimSpace(text[:i]) == "" {
			return l, i + 1, "indent with spaces, not tabs"
		}
		if i := strings.Index(text, "{{"); i >= 0 {
			return l, i + 1, "this looks like an unrendered template: render it first (helm template), or quote the value"
		}
	}
	return rel, indent(lineAt(lines, rel)) + 1, "check the indentation and quote values that contain ': ', '#' or start with '{', '[', '*', '&' or '@'"
}

func lineAt(lines []string, n int) string {
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

func indent(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t"))
}

// splitJSON cuts a JSON stream into its values, one document each. On a
// syntax error it returns a Problem with line and column.
func splitJSON(name string, data []byte) ([]document, *Problem) {
	var docs []document
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		start := dec.InputOffset()
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, jsonSyntaxProblem(name, data, err)
		}
		// Skip the whitespace before the value so its line is exact.
		lead := len(data[start:]) - len(bytes.TrimLeft(data[start:], " \t\r\n"))
		line, _ := position(data, int(start)+lead)
		docs = append(docs, document{data: raw, line: line, json: true})
	}
}

func jsonSyntaxProblem(name string, data []byte, err error) *Problem {
	origin := Origin{File: name, Line: 1}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return &Problem{Origin: origin, Message: "invalid JSON: " + err.Error()}
	}
	// Offset counts the offending byte itself.
	origin.Line, origin.Column = position(data, int(se.Offset)-1)
	return &Problem{Origin: origin, Message: "invalid JSON: " + se.Error() + "; check for a missing comma, quote or brace just before this point"}
}

// position converts a byte offset to a one-based line and column.
func position(data []byte, offset int) (int, int) {
	offset = max(0, min(offset, len(data)))
	line, col := 1, 1
	for _, b := range data[:offset] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
