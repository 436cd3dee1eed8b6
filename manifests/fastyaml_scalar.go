package manifests

import (
	"strconv"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
)

// fastYAMLChars reports whether src holds only characters fastYAML reads
// the way yaml.v2 does: printable ASCII, line feeds, and printable
// one-to-three-byte UTF-8 other than line and paragraph separators and the
// byte-order mark. Tabs, carriage returns and control characters are left
// to yaml.v2.
func fastYAMLChars(src []byte) bool {
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			if (c < ' ' && c != '\n') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError, r < 0xA0, r == 0x2028, r == 0x2029, r == 0xFEFF, r > 0xFFFD, r >= 0xD800 && r < 0xE000:
			return false
		}
		i += size
	}
	return true
}

// plainHint mirrors yaml.v2's resolve table: plain scalars starting with
// any other byte are always strings.
var plainHint = func() [256]byte {
	var t [256]byte
	t['+'], t['-'] = 'S', 'S'
	for c := '0'; c <= '9'; c++ {
		t[c] = 'D'
	}
	for _, c := range "yYnNtTfFoO~" {
		t[c] = 'M'
	}
	t['.'] = '.'
	return t
}()

// yamlWords resolves the plain scalars yaml.v2 finds in its resolve map.
// fail marks the special floats (.nan, .inf), which are not JSON numbers
// and so are left to yaml.v2 to report.
func yamlWords(s string) (v any, fail, found bool) {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return true, false, true
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return false, false, true
	case "~", "null", "Null", "NULL":
		return nil, false, true
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return nil, true, true
	}
	return nil, false, false
}

// numberish reports whether b has only bytes that yaml.v2's integer,
// float and timestamp forms use; anything else resolves to a string.
func numberish(b []byte) bool {
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		case c == 'x', c == 'X', c == 'o', c == 'O', c == '_', c == '+', c == '-', c == '.', c == ':', c == 't', c == 'T', c == 'z', c == 'Z', c == ' ', c == ',':
		default:
			return false
		}
	}
	return true
}

// decimal parses a plain decimal integer without sign, leading zeros or
// underscores, short enough to fit an int64.
func decimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// plainValue resolves a plain scalar as yaml.v2 and normalizeValue do.
func (p *fastYAML) plainValue(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	hint := plainHint[b[0]]
	if hint == 0 {
		return string(b)
	}
	if v, fail, ok := yamlWords(string(b)); ok {
		if fail {
			p.fail()
		}
		return v
	}
	if hint == 'M' || !numberish(b) {
		return string(b)
	}
	if n, ok := decimal(b); ok {
		return n
	}
	return p.resolveSlow(string(b))
}

// resolveSlow resolves a number-like plain scalar through yaml.v2 itself,
// as the value of a one-line mapping, so that octal, hexadecimal,
// underscores, floats and timestamps come out exactly as yaml.v2 reads
// them.
func (p *fastYAML) resolveSlow(s string) any {
	if v, ok := p.scalars[s]; ok {
		return v
	}
	var m map[string]any
	if err := yamlv2.Unmarshal([]byte("k: "+s), &m); err != nil {
		p.fail()
		return nil
	}
	v, err := normalizeValue(m["k"])
	if err != nil {
		p.fail()
		return nil
	}
	p.scalars[s] = v
	return v
}

// plainKey resolves a plain mapping key; keys that are not strings
// (numbers, booleans, null, the merge key) are left to yaml.v2.
func (p *fastYAML) plainKey(b []byte) (string, bool) {
	if string(b) == "<<" {
		return "", false
	}
	if plainHint[b[0]] != 0 {
		v := p.plainValue(b)
		s, ok := v.(string)
		return s, ok && !p.failed
	}
	return p.key(b), true
}

// key interns a mapping key. Values are not interned: most are names and
// images that differ from object to object, and growing an intern map with
// them costs more than it saves.
func (p *fastYAML) key(b []byte) string {
	if s, ok := p.keys[string(b)]; ok {
		return s
	}
	s := string(b)
	p.keys[s] = s
	return s
}

// quotedEnd returns the index after the quoted scalar that starts at i,
// and false when it does not end on its line.
func (p *fastYAML) quotedEnd(i int) (int, bool) {
	q := p.src[i]
	for i++; i < len(p.src); i++ {
		switch c := p.src[i]; {
		case c == '\n':
			return 0, false
		case c == '\\' && q == '"':
			i++
			if p.at(i) == '\n' || p.at(i) == 0 {
				return 0, false
			}
		case c == q:
			if q == '\'' && p.at(i+1) == '\'' {
				i++
				continue
			}
			return i + 1, true
		}
	}
	return 0, false
}

// quoted reads the single-line quoted scalar at pos.
func (p *fastYAML) quoted() (string, bool) {
	start := p.pos
	end, ok := p.quotedEnd(start)
	if !ok {
		return "", false
	}
	p.pos = end
	body := p.src[start+1 : end-1]
	if p.src[start] == '\'' {
		return unquoteSingle(body), true
	}
	return unquoteDouble(body)
}

func unquoteSingle(b []byte) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		out = append(out, b[i])
		if b[i] == '\'' {
			i++ // '' stands for '
		}
	}
	return string(out)
}

// doubleEscapes are yaml.v2's one-character escapes.
var doubleEscapes = map[byte]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v", 'f': "\f", 'r': "\r",
	'e': "\x1b", ' ': " ", '"': "\"", '\'': "'", '\\': "\\", 'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

func unquoteDouble(b []byte) (string, bool) {
	i := 0
	for i < len(b) && b[i] != '\\' {
		i++
	}
	if i == len(b) {
		return string(b), true
	}
	out := append(make([]byte, 0, len(b)), b[:i]...)
	for ; i < len(b); i++ {
		if b[i] != '\\' {
			out = append(out, b[i])
			continue
		}
		i++
		if s, ok := doubleEscapes[b[i]]; ok {
			out = append(out, s...)
			continue
		}
		width := hexEscapeWidth(b[i])
		if width == 0 || i+width >= len(b) {
			return "", false
		}
		r, err := strconv.ParseUint(string(b[i+1:i+1+width]), 16, 32)
		if err != nil || (r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF {
			return "", false
		}
		out = utf8.AppendRune(out, rune(r))
		i += width
	}
	return string(out), true
}

// hexEscapeWidth is the number of hex digits after \x, \u and \U.
func hexEscapeWidth(c byte) int {
	switch c {
	case 'x':
		return 2
	case 'u':
		return 4
	case 'U':
		return 8
	}
	return 0
}
