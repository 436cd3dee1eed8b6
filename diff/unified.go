package diff

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// contextLines is how many unchanged lines surround a change in a hunk.
const contextLines = 3

type lineOp struct {
	kind byte // ' ', '-' or '+'
	text string
}

// unifiedDiff renders a unified diff of two texts with the given file
// labels; it is empty when the texts are equal.
func unifiedDiff(fromLabel, toLabel, from, to string) string {
	if from == to {
		return ""
	}
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(from, to)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var ops []lineOp
	for _, d := range diffs {
		kind := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			kind = '-'
		case diffmatchpatch.DiffInsert:
			kind = '+'
		}
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l != "" {
				ops = append(ops, lineOp{kind: kind, text: strings.TrimSuffix(l, "\n")})
			}
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", fromLabel, toLabel)
	for _, h := range hunks(ops) {
		writeHunk(&sb, ops, h[0], h[1])
	}
	return sb.String()
}

// hunks returns [start, end) ranges of ops that hold changes with context,
// merging ranges that touch.
func hunks(ops []lineOp) [][2]int {
	var out [][2]int
	for i, op := range ops {
		if op.kind == ' ' {
			continue
		}
		start, end := max(0, i-contextLines), min(len(ops), i+contextLines+1)
		if n := len(out); n > 0 && start <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], end)
			continue
		}
		out = append(out, [2]int{start, end})
	}
	return out
}

func writeHunk(sb *strings.Builder, ops []lineOp, start, end int) {
	oldStart, newStart := 1, 1
	for _, op := range ops[:start] {
		if op.kind != '+' {
			oldStart++
		}
		if op.kind != '-' {
			newStart++
		}
	}
	oldLen, newLen := 0, 0
	for _, op := range ops[start:end] {
		if op.kind != '+' {
			oldLen++
		}
		if op.kind != '-' {
			newLen++
		}
	}
	// An empty side starts at line 0, as GNU diff prints it.
	if oldLen == 0 {
		oldStart--
	}
	if newLen == 0 {
		newStart--
	}
	fmt.Fprintf(sb, "@@ -%d,%d +%d,%d @@\n", oldStart, oldLen, newStart, newLen)
	for _, op := range ops[start:end] {
		sb.WriteByte(op.kind)
		sb.WriteString(op.text)
		sb.WriteByte('\n')
	}
}
