package manifests

import "bytes"

// maxFastDepth bounds nesting; deeper documents go to yaml.v2.
const maxFastDepth = 200

// enter counts one level of nesting and fails past maxFastDepth.
func (p *fastYAML) enter() bool {
	p.depth++
	if p.depth > maxFastDepth {
		p.fail()
		return false
	}
	return true
}

func (p *fastYAML) leave() { p.depth-- }

// flowNode parses a single-line flow collection, or a scalar inside one.
func (p *fastYAML) flowNode() any {
	switch p.cur() {
	case '[':
		return p.flowSequence()
	case '{':
		return p.flowMapping()
	case '"', '\'':
		s, ok := p.quoted()
		if !ok {
			p.fail()
		}
		return s
	}
	if !p.plainStart(p.pos, true) {
		p.fail()
		return nil
	}
	return p.plainValue(p.plainFlow())
}

// plainFlow reads a plain scalar inside a flow collection.
func (p *fastYAML) plainFlow() []byte {
	start := p.pos
	for ; p.pos < len(p.src); p.pos++ {
		switch p.src[p.pos] {
		case '\n', ',', '[', ']', '{', '}', '?':
			return trimSpaces(p.src[start:p.pos])
		case ':':
			if p.blankz(p.pos + 1) {
				return trimSpaces(p.src[start:p.pos])
			}
		case '#':
			if p.src[p.pos-1] == ' ' {
				return trimSpaces(p.src[start:p.pos])
			}
		}
	}
	return trimSpaces(p.src[start:p.pos])
}

// flowSequence parses "[a, b]" on one line.
func (p *fastYAML) flowSequence() []any {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	p.pos++
	s := make([]any, 0, 4)
	p.skipSpaces()
	if p.cur() == ']' {
		p.pos++
		return s
	}
	for !p.failed {
		p.skipSpaces()
		s = append(s, p.flowNode())
		p.skipSpaces()
		switch p.cur() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return s
		default:
			p.fail()
		}
	}
	return nil
}

// flowMapping parses "{a: b, c: d}" on one line.
func (p *fastYAML) flowMapping() map[string]any {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	p.pos++
	m := make(map[string]any, 4)
	p.skipSpaces()
	if p.cur() == '}' {
		p.pos++
		return m
	}
	for !p.failed {
		p.skipSpaces()
		key, ok := p.flowKey()
		if _, dup := m[key]; !ok || dup {
			p.fail()
			return nil
		}
		p.pos++ // the ':'
		p.skipSpaces()
		switch p.cur() {
		case ',', '}', '\n', 0:
			p.fail() // a key without a value
			return nil
		}
		m[key] = p.flowNode()
		p.skipSpaces()
		switch p.cur() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return m
		default:
			p.fail()
		}
	}
	return nil
}

// flowKey reads a key in a flow mapping and stops on its ':'.
func (p *fastYAML) flowKey() (string, bool) {
	var key string
	if c := p.cur(); c == '"' || c == '\'' {
		s, ok := p.quoted()
		if !ok {
			return "", false
		}
		key = s
		p.skipSpaces()
	} else {
		if !p.plainStart(p.pos, true) {
			return "", false
		}
		raw := p.plainFlow()
		if len(raw) == 0 || len(raw) > 1000 || p.cur() != ':' {
			return "", false
		}
		s, ok := p.plainKey(raw)
		if !ok {
			return "", false
		}
		key = s
	}
	return key, p.cur() == ':'
}

// blockScalar parses a literal (|) or folded (>) block scalar with clip
// or strip (-) chomping, in a block collection at column parent.
func (p *fastYAML) blockScalar(parent int) any {
	folded := p.cur() == '>'
	p.pos++
	strip := p.cur() == '-'
	if strip {
		p.pos++
	}
	if c := p.cur(); c == '+' || (c >= '0' && c <= '9') {
		p.fail()
		return nil
	}
	p.endLine()
	lines, lastBreak := p.blockLines(parent, folded)
	if p.failed {
		return nil
	}
	last := len(lines) - 1
	for lines[last] == nil {
		last--
	}
	var out []byte
	if folded {
		out = foldLines(lines[:last+1])
	} else {
		out = bytes.Join(lines[:last+1], []byte{'\n'})
	}
	if !strip && lastBreak {
		out = append(out, '\n')
	}
	return string(out)
}

// blockLines collects the lines of a block scalar without their
// indentation; nil stands for an empty line. lastBreak reports whether the
// last content line ends with a line break.
func (p *fastYAML) blockLines(parent int, folded bool) (lines [][]byte, lastBreak bool) {
	indent := -1
	for p.pos < len(p.src) && !p.failed {
		eol := bytes.IndexByte(p.src[p.pos:], '\n')
		if eol < 0 {
			eol = len(p.src)
		} else {
			eol += p.pos
		}
		line := p.src[p.pos:eol]
		sp := 0
		for sp < len(line) && line[sp] == ' ' {
			sp++
		}
		switch {
		case sp == len(line):
			if indent < 0 || sp > indent {
				p.fail() // leading empty lines, or spaces that are content
			}
			lines = append(lines, nil)
		case indent < 0 && sp <= parent, sp < indent:
			return p.endBlock(lines, lastBreak, indent)
		default:
			if indent < 0 {
				indent = sp
			}
			if folded && line[indent] == ' ' {
				p.fail() // more-indented folded lines keep their breaks
			}
			lines = append(lines, line[indent:])
			lastBreak = eol < len(p.src)
		}
		p.pos = min(eol+1, len(p.src))
	}
	return p.endBlock(lines, lastBreak, indent)
}

// endBlock ends a block scalar at the start of the line at pos.
func (p *fastYAML) endBlock(lines [][]byte, lastBreak bool, indent int) ([][]byte, bool) {
	p.lineStart = p.pos
	if indent < 0 {
		p.fail() // an empty block scalar
	}
	return lines, lastBreak
}

// foldLines joins folded lines: a single line break becomes a space, and
// n empty lines become n line breaks.
func foldLines(lines [][]byte) []byte {
	out := append([]byte(nil), lines[0]...)
	empty := 0
	for _, l := range lines[1:] {
		if l == nil {
			empty++
			continue
		}
		if empty == 0 {
			out = append(out, ' ')
		}
		for ; empty > 0; empty-- {
			out = append(out, '\n')
		}
		out = append(out, l...)
	}
	return out
}
