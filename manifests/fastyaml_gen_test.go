package manifests

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// trickyScalars are scalar texts whose YAML 1.1 reading is easy to get
// wrong: booleans, nulls, numbers in every base, timestamps, indicators.
var trickyScalars = []string{
	"web", "yes", "No", "ON", "off", "y", "N", "true", "False", "~", "null", "NULL", "nULL", "",
	"0", "7", "-3", "+5", "-0", "017", "0x1F", "0o17", "0b101", "1_000", "1e3", "1.5", ".5", "1.", "-.5e-3",
	"123456789012345678901", "9223372036854775807", "9223372036854775808", ".inf", "-.Inf", ".nan",
	"2024-01-02", "2024-1-2", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "12:30", "1:2:3", "1,000",
	"500m", "128Mi", "1.2.3", "v1", "a:b", "a: b", "a #b", "a#b", "#x", "-", "-a", "- a", "--x", "---", "...",
	":", ":a", "?", "?a", "a?b", "a,b", "[x]", "{x}", "x]", "@x", "`x", "%x", "!x", "&x", "*x", "|", ">", "<<",
	"'", "\"", "it's", "say \"hi\"", "back\\slash", "a  b", " lead", "trail ", "中文", "é", "=", "a=b",
	"http://x:80/p?q=1#f", "/etc/conf", "${VAR}", "{{ .x }}", "0.0", "1e", "e1", "0x", "0b", "+", ".", "-.",
}

// yamlGen writes random documents that mix block and flow collections,
// scalar styles and tricky scalars.
type yamlGen struct {
	r *rand.Rand
	b strings.Builder
}

func (g *yamlGen) scalar(flow bool) string {
	s := trickyScalars[g.r.IntN(len(trickyScalars))]
	switch g.r.IntN(6) {
	case 0:
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	case 1:
		return fmt.Sprintf("%q", s)
	}
	if flow && g.r.IntN(2) == 0 {
		return "x" + strings.Map(func(r rune) rune {
			if strings.ContainsRune(",[]{}:#", r) {
				return '_'
			}
			return r
		}, s)
	}
	return s
}

func (g *yamlGen) flow(depth int) string {
	if depth > 2 || g.r.IntN(3) == 0 {
		return g.scalar(true)
	}
	n := g.r.IntN(3)
	parts := make([]string, n)
	if g.r.IntN(2) == 0 {
		for i := range parts {
			parts[i] = g.flow(depth + 1)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	for i := range parts {
		parts[i] = g.scalar(true) + ": " + g.flow(depth+1)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (g *yamlGen) blockScalar(indent string) {
	g.b.WriteString([]string{"|", "|-", ">", ">-", "|+", "|2"}[g.r.IntN(6)])
	if g.r.IntN(4) == 0 {
		g.b.WriteString(" # note")
	}
	g.b.WriteByte('\n')
	for range 1 + g.r.IntN(4) {
		switch g.r.IntN(5) {
		case 0:
			g.b.WriteString("\n")
		case 1:
			g.b.WriteString(indent + "    more " + g.scalar(false) + "\n")
		default:
			g.b.WriteString(indent + "  " + g.scalar(false) + "\n")
		}
	}
}

func (g *yamlGen) value(indent string, depth int) {
	switch k := g.r.IntN(9); {
	case depth > 3 || k < 3:
		g.b.WriteString(" " + g.scalar(false))
		if g.r.IntN(5) == 0 {
			g.b.WriteString(" # c")
		}
		g.b.WriteByte('\n')
	case k == 3:
		g.b.WriteString(" " + g.flow(0) + "\n")
	case k == 4:
		g.b.WriteString(" ")
		g.blockScalar(indent)
	case k == 5:
		g.b.WriteString("\n")
		g.seq(indent+[]string{"", "  "}[g.r.IntN(2)], depth+1)
	default:
		g.b.WriteString("\n")
		g.mapping(indent+"  ", depth+1)
	}
}

func (g *yamlGen) mapping(indent string, depth int) {
	for range 1 + g.r.IntN(4) {
		if g.r.IntN(8) == 0 {
			g.b.WriteString(indent + "# comment\n\n")
		}
		key := fmt.Sprintf("k%d", g.r.IntN(1000))
		if g.r.IntN(4) == 0 {
			key = g.scalar(false)
		}
		g.b.WriteString(indent + key + ":")
		g.value(indent, depth)
	}
}

func (g *yamlGen) seq(indent string, depth int) {
	for range 1 + g.r.IntN(3) {
		g.b.WriteString(indent + "-")
		if g.r.IntN(3) == 0 && depth < 4 {
			g.b.WriteString(" ")
			mark := g.b.Len()
			g.mapping(indent+"  ", depth+1)
			s := g.b.String()
			// The first entry goes on the "- " line.
			first := strings.TrimPrefix(s[mark:], indent+"  ")
			g.b.Reset()
			g.b.WriteString(s[:mark] + first)
			continue
		}
		g.value(indent, depth)
	}
}

// TestFastYAMLGenerated checks the fast decoder against yaml.v2 on
// thousands of generated documents, and that it takes most of them.
func TestFastYAMLGenerated(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	g := &yamlGen{r: rand.New(rand.NewPCG(1, 2))}
	fast, valid := 0, 0
	for range n {
		g.b.Reset()
		g.mapping("", 0)
		doc := []byte(g.b.String())
		if _, err := slowDecode(doc); err == nil {
			valid++
		}
		if got, ok := newFastYAML().decode(doc); ok {
			fast++
			checkAgainstYAMLv2(t, doc, got)
		}
	}
	t.Logf("fast path took %d of %d generated documents; yaml.v2 accepts %d", fast, n, valid)
	if fast < n/10 {
		t.Errorf("fast path took only %d of %d documents", fast, n)
	}
}
