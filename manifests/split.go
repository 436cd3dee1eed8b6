package manifests

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

// document is one YAML document of a file, with the line it starts on.
type document struct {
	data []byte
	line int
}

// splitDocuments cuts a YAML stream at "---" separator lines, remembering the
// one-based line on which each document's first line sits.
func splitDocuments(data []byte) []document {
	var docs []document
	start, startLine, line := 0, 1, 1
	for pos := 0; pos < len(data); {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		if isSeparator(data[pos:next]) {
			docs = append(docs, document{data: data[start:pos], line: startLine})
			start, startLine = next, line+1
		}
		pos = next
		line++
	}
	return append(docs, document{data: data[start:], line: startLine})
}

func isSeparator(line []byte) bool {
	l := bytes.TrimRight(line, " \t\r\n")
	if !bytes.HasPrefix(l, []byte("---")) {
		return false
	}
	rest := l[3:]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '#'
}

// isBlank reports whether a document holds nothing but whitespace and
// comments.
func isBlank(data []byte) bool {
	for _, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		if t != "" && !strings.HasPrefix(t, "#") && t != "..." {
			return false
		}
	}
	return true
}

// firstContentLine returns the offset, in lines, of the first line that is
// not blank or a comment, so an origin points at the object, not at a
// leading comment.
func firstContentLine(data []byte) int {
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		if t != "" && !strings.HasPrefix(t, "#") {
			return i
		}
	}
	return 0
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// shiftLines rewrites "line N" in a YAML parser message, which counts from
// the start of the document, so that it counts from the start of the file.
func shiftLines(msg string, docLine int) (string, int) {
	found := 0
	out := yamlLineRE.ReplaceAllStringFunc(msg, func(m string) string {
		n, _ := strconv.Atoi(m[len("line "):])
		abs := n + docLine - 1
		if found == 0 {
			found = abs
		}
		return "line " + strconv.Itoa(abs)
	})
	return out, found
}
