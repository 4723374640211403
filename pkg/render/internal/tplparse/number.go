package tplparse

import (
	"strconv"
	"strings"
	"text/template/parse"
)

// setNumber fills n from text the way the standard parser evaluates a
// number literal: every representation the value fits in is set, integers
// first so that hex and octal work, floats only when the text says so.
// Imaginary and complex literals never reach here; the lexer declines them.
func setNumber(n *parse.NumberNode, text string) {
	n.Text = text
	u, errU := strconv.ParseUint(text, 0, 64)
	if errU == nil {
		n.IsUint, n.Uint64 = true, u
	}
	if i, err := strconv.ParseInt(text, 0, 64); err == nil {
		n.IsInt, n.Int64 = true, i
		if i == 0 { // "-0" fails ParseUint but is an unsigned zero too
			n.IsUint, n.Uint64 = true, u
		}
	}
	switch {
	case n.IsInt:
		n.IsFloat, n.Float64 = true, float64(n.Int64)
	case n.IsUint:
		n.IsFloat, n.Float64 = true, float64(n.Uint64)
	default:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			decline()
		}
		if !strings.ContainsAny(text, ".eEpP") {
			decline() // an integer too large for 64 bits
		}
		n.IsFloat, n.Float64 = true, f
		if float64(int64(f)) == f {
			n.IsInt, n.Int64 = true, int64(f)
		}
		if float64(uint64(f)) == f {
			n.IsUint, n.Uint64 = true, uint64(f)
		}
	}
}
