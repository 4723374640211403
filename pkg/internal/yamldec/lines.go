package yamldec

import (
	"errors"
	"unicode/utf8"
)

// errDecline means the input uses YAML the fast parser leaves to
// sigs.k8s.io/yaml; it is never shown to users.
var errDecline = errors.New("yamldec: outside the fast subset")

// line is one line of the source, without its line break.
type line struct {
	start, end int
	indent     int  // leading spaces
	spaces     bool // nothing but spaces
	comment    bool // spaces, then a comment
	broken     bool // ends with a line break (false only for the last line)
	marker     bool // a document marker: "---" or "..." at column 0
}

// blank lines carry no node: empty, all spaces, or a comment.
func (l line) blank() bool { return l.spaces || l.comment }

type parser struct {
	src   string
	lines []line
	i     int // the line being parsed
	depth int // collections open around the node being parsed
	// strict declines duplicate keys, which sigs.k8s.io/yaml.UnmarshalStrict
	// refuses and Unmarshal lets the last one win.
	strict bool
}

// maxDepth is how deeply nested collections may be before the fast path
// declines. Recursion here is bounded by it; sigs.k8s.io/yaml then reads the
// document with its own limit (10,000 levels, refused with "exceeded max
// depth"), so every document past maxDepth gets Helm's verdict.
const maxDepth = 1000

// enter counts one more open collection and declines past maxDepth; each
// successful enter is paired with a deferred leave.
func (p *parser) enter() error {
	if p.depth >= maxDepth {
		return errDecline
	}
	p.depth++
	return nil
}

func (p *parser) leave() { p.depth-- }

// newParser splits src into lines, declining input with characters whose
// YAML handling is subtle (tabs, carriage returns, byte-order marks, Unicode
// line separators, non-printable characters) or with document markers and
// directives.
func newParser(src string) (*parser, bool) {
	p := &parser{src: src, lines: make([]line, 0, 1+len(src)/32)}
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\n':
			if !p.addLine(start, i, true) {
				return nil, false
			}
			start = i + 1
		case c < 0x20 || c == 0x7f:
			return nil, false
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(src[i:])
			if !printable(r, size) {
				return nil, false
			}
			i += size - 1
		}
	}
	if start < len(src) && !p.addLine(start, len(src), false) {
		return nil, false
	}
	return p, p.skipDocumentStart()
}

// skipDocumentStart moves past a "---" line that opens the document; any
// other document marker means a stream of documents, which is declined.
func (p *parser) skipDocumentStart() bool {
	p.skipBlank()
	if p.i < len(p.lines) && p.lines[p.i].marker && p.src[p.lines[p.i].start:p.lines[p.i].end] == "---" {
		p.i++
	}
	for _, l := range p.lines[p.i:] {
		if l.marker {
			return false
		}
	}
	return true
}

func printable(r rune, size int) bool {
	if r == utf8.RuneError && size <= 1 {
		return false
	}
	switch {
	case r == 0xFEFF || r == 0x2028 || r == 0x2029:
		return false
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000:
		return true
	}
	return false
}

func (p *parser) addLine(start, end int, broken bool) bool {
	l := line{start: start, end: end, broken: broken}
	for start+l.indent < end && p.src[start+l.indent] == ' ' {
		l.indent++
	}
	text := p.src[start+l.indent : end]
	l.spaces = text == ""
	l.comment = len(text) > 0 && text[0] == '#'
	if l.indent == 0 && len(text) > 0 && text[0] == '%' {
		return false
	}
	if l.indent == 0 && len(text) >= 3 && (text[:3] == "---" || text[:3] == "...") && (len(text) == 3 || text[3] == ' ') {
		l.marker = true
	}
	p.lines = append(p.lines, l)
	return true
}

// skipBlank moves past blank lines.
func (p *parser) skipBlank() {
	for p.i < len(p.lines) && p.lines[p.i].blank() {
		p.i++
	}
}

// skipSpaces returns the first position at or after pos that is not a space.
func (p *parser) skipSpaces(pos, end int) int {
	for pos < end && p.src[pos] == ' ' {
		pos++
	}
	return pos
}

// restIsEmpty reports whether only spaces and a comment follow pos; a
// comment must be separated from what precedes it by a space.
func (p *parser) restIsEmpty(pos, end int) bool {
	q := p.skipSpaces(pos, end)
	return q == end || (p.src[q] == '#' && q > pos)
}

// isSeqEntry reports whether a block sequence entry starts at pos.
func (p *parser) isSeqEntry(pos, end int) bool {
	return pos < end && p.src[pos] == '-' && (pos+1 == end || p.src[pos+1] == ' ')
}
