package manifests

import (
	"bytes"
	"strings"
)

// document is one YAML document of a file, with the line it starts on.
type document struct {
	data []byte
	line int
	// json marks a whole .json file, parsed as JSON for exact positions.
	json bool
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
		switch separator(data[pos:next]) {
		case sepPlain:
			docs = append(docs, document{data: data[start:pos], line: startLine})
			start, startLine = next, line+1
		case sepInline:
			// "--- {kind: X}": the document starts on the separator line,
			// and the YAML parser reads the marker itself.
			docs = append(docs, document{data: data[start:pos], line: startLine})
			start, startLine = pos, line
		}
		pos = next
		line++
	}
	return append(docs, document{data: data[start:], line: startLine})
}

type sepKind int

const (
	sepNone   sepKind = iota
	sepPlain          // "---", optionally followed by a comment
	sepInline         // "--- content"
)

func separator(line []byte) sepKind {
	l := bytes.TrimRight(line, " \t\r\n")
	if !bytes.HasPrefix(l, []byte("---")) {
		return sepNone
	}
	rest := l[3:]
	if len(rest) == 0 {
		return sepPlain
	}
	if rest[0] != ' ' && rest[0] != '\t' {
		return sepNone
	}
	if c := bytes.TrimLeft(rest, " \t"); len(c) == 0 || c[0] == '#' {
		return sepPlain
	}
	return sepInline
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
