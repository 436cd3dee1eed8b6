package manifests

// fastYAML decodes the plain subset of YAML that Kubernetes manifests are
// written in, several times faster than the general YAML 1.1 parser
// (go.yaml.in/yaml/v2, which kubectl uses through sigs.k8s.io/yaml), and
// with far less garbage. It gives up on anything outside that subset:
// anchors, aliases, tags, complex keys, multi-line plain or quoted
// scalars, multi-line flow collections, tabs, CR line ends, unusual
// characters, duplicate keys, and any syntax error. decodeValue then
// parses the document with yaml.v2, so errors, and every construct the
// subset leaves out, keep yaml.v2's exact behaviour. Whatever fastYAML
// accepts decodes to the values yaml.v2 plus normalizeValue give; the
// differential fuzz test FuzzFastYAML holds it to that.
//
// The subset: a block mapping at the root; block mappings and sequences
// (including sequences at the indentation of their parent key);
// single-line flow mappings and sequences; plain, single-quoted and
// double-quoted single-line scalars; literal and folded block scalars with
// clip or strip chomping; comments.
type fastYAML struct {
	src       []byte
	pos       int
	lineStart int
	failed    bool
	depth     int
	// keys interns mapping keys, which repeat across a file's documents.
	keys map[string]string
	// scalars caches plain scalars resolved through yaml.v2.
	scalars map[string]any
}

func newFastYAML() *fastYAML {
	return &fastYAML{keys: map[string]string{}, scalars: map[string]any{}}
}

// decode parses one document. It reports false when the document is
// outside the subset, or not valid YAML.
func (p *fastYAML) decode(src []byte) (any, bool) {
	if !fastYAMLChars(src) {
		return nil, false
	}
	p.src, p.pos, p.lineStart, p.failed, p.depth = src, 0, 0, false, 0
	col := p.nextContent()
	if col < 0 || !p.atKey() {
		return nil, false
	}
	v := p.blockMapping(col)
	if p.failed || p.nextContent() >= 0 {
		return nil, false
	}
	return v, true
}

func (p *fastYAML) fail() { p.failed = true }

// cur returns the byte at pos, or 0 at the end.
func (p *fastYAML) cur() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *fastYAML) at(i int) byte {
	if i < len(p.src) {
		return p.src[i]
	}
	return 0
}

// blankz reports whether position i holds a space, a line break or the
// end of input.
func (p *fastYAML) blankz(i int) bool {
	c := p.at(i)
	return c == ' ' || c == '\n' || c == 0
}

func (p *fastYAML) skipSpaces() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

// nextContent moves to the first character of the next line that holds
// more than spaces and a comment, and returns its column, or -1 at the
// end. When pos is already inside a line, that line is the content line.
func (p *fastYAML) nextContent() int {
	if p.failed {
		return -1
	}
	if p.pos != p.lineStart {
		return p.pos - p.lineStart
	}
	for p.pos < len(p.src) {
		p.lineStart = p.pos
		p.skipSpaces()
		switch p.cur() {
		case '\n':
			p.pos++
			continue
		case '#':
			p.skipToLineEnd()
			p.pos++
			continue
		case 0:
			p.lineStart = p.pos
			return -1
		}
		col := p.pos - p.lineStart
		if col == 0 && p.docMarker() {
			p.fail()
			return -1
		}
		return col
	}
	p.lineStart = p.pos
	return -1
}

// docMarker reports a "---", "..." or "%" directive at pos.
func (p *fastYAML) docMarker() bool {
	c := p.cur()
	if c == '%' {
		return true
	}
	return (c == '-' || c == '.') && p.at(p.pos+1) == c && p.at(p.pos+2) == c && p.blankz(p.pos+3)
}

func (p *fastYAML) skipToLineEnd() {
	for p.pos < len(p.src) && p.src[p.pos] != '\n' {
		p.pos++
	}
}

// endLine accepts trailing spaces and a comment after a value, and moves
// to the start of the next line.
func (p *fastYAML) endLine() {
	p.skipSpaces()
	if p.cur() == '#' {
		if p.pos == 0 || p.src[p.pos-1] != ' ' {
			p.fail()
			return
		}
		p.skipToLineEnd()
	}
	switch p.cur() {
	case '\n':
		p.pos++
	case 0:
	default:
		p.fail()
		return
	}
	p.lineStart = p.pos
}

// atSeqEntry reports a "- " sequence entry indicator at pos.
func (p *fastYAML) atSeqEntry() bool {
	return p.cur() == '-' && p.blankz(p.pos+1)
}

// atKey reports whether the line from pos holds a simple mapping key: a
// quoted or plain scalar followed by ": " or a ':' at the line end.
func (p *fastYAML) atKey() bool {
	i := p.pos
	switch c := p.at(i); c {
	case '"', '\'':
		end, ok := p.quotedEnd(i)
		if !ok {
			return false
		}
		for i = end; p.at(i) == ' '; i++ {
		}
		return p.at(i) == ':' && p.blankz(i+1)
	default:
		if !p.plainStart(i, false) {
			return false
		}
	}
	for ; i < len(p.src) && p.src[i] != '\n'; i++ {
		switch p.src[i] {
		case ':':
			if p.blankz(i + 1) {
				return true
			}
		case '#':
			if p.src[i-1] == ' ' {
				return false
			}
		}
	}
	return false
}

// plainStart reports whether a plain scalar may start at i.
func (p *fastYAML) plainStart(i int, flow bool) bool {
	switch p.at(i) {
	case 0, ' ', '\n', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '?', ':':
		return false
	case '-':
		next := p.at(i + 1)
		return !p.blankz(i+1) && !(flow && (next == ',' || next == ']' || next == '}' || next == '[' || next == '{'))
	}
	return true
}

// blockMapping parses the entries of a block mapping whose keys sit at
// column col.
func (p *fastYAML) blockMapping(col int) map[string]any {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	m := make(map[string]any, 4)
	for !p.failed {
		if !p.atKey() {
			p.fail()
			break
		}
		key, ok := p.mappingKey()
		if !ok {
			p.fail()
			break
		}
		if _, dup := m[key]; dup {
			p.fail()
			break
		}
		m[key] = p.mappingValue(col)
		next := p.nextContent()
		if next < col {
			break
		}
		if next > col || p.atSeqEntry() {
			p.fail()
		}
	}
	return m
}

// mappingKey reads a key and the ':' after it.
func (p *fastYAML) mappingKey() (string, bool) {
	var key string
	switch p.cur() {
	case '"', '\'':
		s, ok := p.quoted()
		if !ok {
			return "", false
		}
		key = s
	default:
		start := p.pos
		for !(p.cur() == ':' && p.blankz(p.pos+1)) {
			if p.cur() == '\n' || p.cur() == 0 {
				return "", false
			}
			p.pos++
		}
		raw := trimSpaces(p.src[start:p.pos])
		if len(raw) == 0 || len(raw) > 1000 {
			return "", false
		}
		s, ok := p.plainKey(raw)
		if !ok {
			return "", false
		}
		key = s
	}
	p.skipSpaces()
	if p.cur() != ':' || !p.blankz(p.pos+1) {
		return "", false
	}
	p.pos++
	return key, true
}

// mappingValue parses the value after "key:" in a mapping at column col.
func (p *fastYAML) mappingValue(col int) any {
	p.skipSpaces()
	switch p.cur() {
	case '\n', 0, '#':
		p.endLine()
		next := p.nextContent()
		switch {
		case next > col:
			return p.blockNode(next, col)
		case next == col && p.atSeqEntry():
			return p.blockSequence(col)
		}
		return nil
	}
	return p.inlineValue(col)
}

// blockNode parses a node that starts its own line at column col, inside a
// collection at column parent.
func (p *fastYAML) blockNode(col, parent int) any {
	switch {
	case p.atSeqEntry():
		return p.blockSequence(col)
	case p.atKey():
		return p.blockMapping(col)
	}
	return p.inlineValue(parent)
}

// blockSequence parses the entries of a block sequence whose "-"
// indicators sit at column col.
func (p *fastYAML) blockSequence(col int) []any {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	var s []any
	for !p.failed {
		p.pos++ // the '-'
		p.skipSpaces()
		switch p.cur() {
		case '\n', 0, '#':
			p.endLine()
			if next := p.nextContent(); next > col {
				s = append(s, p.blockNode(next, col))
			} else {
				s = append(s, nil)
			}
		default:
			item := p.pos - p.lineStart
			switch {
			case p.atSeqEntry():
				s = append(s, p.blockSequence(item))
			case p.atKey():
				s = append(s, p.blockMapping(item))
			default:
				s = append(s, p.inlineValue(col))
			}
		}
		next := p.nextContent()
		if next > col {
			p.fail()
		}
		if next != col || !p.atSeqEntry() {
			break
		}
	}
	return s
}

// inlineValue parses a scalar, flow collection or block scalar that starts
// at pos, in a block collection at column parent, and ends its line.
func (p *fastYAML) inlineValue(parent int) any {
	var v any
	switch c := p.cur(); c {
	case '|', '>':
		return p.blockScalar(parent)
	case '"', '\'':
		s, ok := p.quoted()
		if !ok {
			p.fail()
			return nil
		}
		v = s
	case '[', '{':
		v = p.flowNode()
	default:
		if !p.plainStart(p.pos, false) {
			p.fail()
			return nil
		}
		v = p.plainBlock()
	}
	p.endLine()
	return v
}

// plainBlock reads a single-line plain scalar in block context.
func (p *fastYAML) plainBlock() any {
	start := p.pos
	for ; p.pos < len(p.src); p.pos++ {
		switch p.src[p.pos] {
		case '\n':
			return p.plainValue(trimSpaces(p.src[start:p.pos]))
		case ':':
			if p.blankz(p.pos + 1) {
				p.fail() // "a: b: c" is not allowed
				return nil
			}
		case '#':
			if p.src[p.pos-1] == ' ' {
				return p.plainValue(trimSpaces(p.src[start:p.pos]))
			}
		}
	}
	return p.plainValue(trimSpaces(p.src[start:p.pos]))
}

func trimSpaces(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}
