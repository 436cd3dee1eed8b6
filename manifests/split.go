package manifests

import (
	"bytes"
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
	blank := true
	eachLine(data, func(_ int, l []byte) bool {
		t := bytes.TrimSpace(l)
		blank = len(t) == 0 || t[0] == '#' || string(t) == "..."
		return blank
	})
	return blank
}

// eachLine calls fn with the zero-based index and text of each line of
// data, without its line break, until fn returns false.
func eachLine(data []byte, fn func(i int, line []byte) bool) {
	for i := 0; ; i++ {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			fn(i, data)
			return
		}
		if !fn(i, data[:end]) {
			return
		}
		data = data[end+1:]
	}
}

// firstContentLine returns the offset, in lines, of the first line that is
// not blank or a comment, so an origin points at the object, not at a
// leading comment.
func firstContentLine(data []byte) int {
	first := 0
	eachLine(data, func(i int, l []byte) bool {
		t := bytes.TrimSpace(l)
		if len(t) > 0 && t[0] != '#' {
			first = i
			return false
		}
		return true
	})
	return first
}
