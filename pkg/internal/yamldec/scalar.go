package yamldec

import (
	"strings"
)

// plain parses a plain scalar starting at pos; continuation lines must be
// indented more than parent, and are folded into the value the way YAML
// folds flow scalars (one line break is a space, each blank line a "\n").
func (p *parser) plain(pos, parent int) (any, error) {
	ln := p.lines[p.i]
	first, commented, err := p.plainLine(pos, ln.end, true)
	if err != nil {
		return nil, err
	}
	p.i++
	var b *strings.Builder
	for j, empties := p.i, 0; j < len(p.lines); j++ {
		next := p.lines[j]
		if next.spaces {
			empties++
			continue
		}
		if next.comment || next.indent <= parent {
			break
		}
		if commented {
			// Text after a comment, indented as a continuation.
			return nil, errDecline
		}
		var text string
		text, commented, err = p.plainLine(next.start+next.indent, next.end, false)
		if err != nil {
			return nil, err
		}
		if text[0] == '-' && (len(text) == 1 || text[1] == ' ') {
			return nil, errDecline
		}
		if b == nil {
			b = &strings.Builder{}
			b.WriteString(first)
		}
		foldBreaks(b, empties)
		b.WriteString(text)
		empties = 0
		p.i = j + 1
	}
	if b != nil {
		first = b.String()
	}
	v, ok := resolvePlain(first)
	if !ok {
		return nil, errDecline
	}
	return v, nil
}

// foldBreaks writes what a line break followed by empties blank lines
// becomes inside a folded flow scalar.
func foldBreaks(b *strings.Builder, empties int) {
	if empties == 0 {
		b.WriteByte(' ')
		return
	}
	for range empties {
		b.WriteByte('\n')
	}
}

// plainLine returns the text of one line of a plain scalar, up to a comment
// and without trailing spaces. It declines lines YAML would reject or read
// as something else (": " inside, a trailing ':', and on the first line a
// leading indicator; continuation lines are text whatever they start with).
// It reports whether a comment ended the line.
func (p *parser) plainLine(pos, end int, first bool) (string, bool, error) {
	src := p.src
	switch c := src[pos]; c {
	case '?', ':':
		// An indicator only when a space or the line end follows.
		if pos+1 == end || src[pos+1] == ' ' {
			return "", false, errDecline
		}
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '"', '\'':
		if first || c == '#' {
			return "", false, errDecline
		}
	}
	stop, commented := end, false
	for q := pos; q < end; q++ {
		if src[q] == ':' && (q+1 == end || src[q+1] == ' ') {
			return "", false, errDecline
		}
		if src[q] == '#' && q > pos && src[q-1] == ' ' {
			stop, commented = q, true
			break
		}
	}
	for stop > pos && src[stop-1] == ' ' {
		stop--
	}
	return src[pos:stop], commented, nil
}

// quoted parses a single- or double-quoted scalar that may span lines;
// continuation lines must be indented more than parent.
func (p *parser) quoted(pos, parent int) (any, error) {
	ln := p.lines[p.i]
	if s, next, ok := p.simpleQuoted(pos, ln.end); ok {
		if !p.restIsEmpty(next, ln.end) {
			return nil, errDecline
		}
		p.i++
		return s, nil
	}
	var b strings.Builder
	quote := p.src[pos]
	q := pos + 1
	for {
		closed, next, err := p.quotedSegment(&b, quote, q, ln.end)
		if err != nil {
			return nil, err
		}
		if closed {
			if !p.restIsEmpty(next, ln.end) {
				return nil, errDecline
			}
			p.i++
			return b.String(), nil
		}
		// The line ended inside the quotes (its trailing spaces were not
		// written): fold the line break and blank lines.
		empties := 0
		p.i++
		for ; p.i < len(p.lines) && p.lines[p.i].spaces; p.i++ {
			empties++
		}
		if p.i == len(p.lines) || p.lines[p.i].indent <= parent {
			return nil, errDecline
		}
		foldBreaks(&b, empties)
		ln = p.lines[p.i]
		q = ln.start + ln.indent
	}
}

// quotedOneLine parses a quoted scalar that closes on its line and returns
// it with the position after the closing quote.
func (p *parser) quotedOneLine(pos, end int) (string, int, error) {
	if s, next, ok := p.simpleQuoted(pos, end); ok {
		return s, next, nil
	}
	var b strings.Builder
	closed, next, err := p.quotedSegment(&b, p.src[pos], pos+1, end)
	if err != nil {
		return "", 0, err
	}
	if !closed {
		return "", 0, errDecline
	}
	return b.String(), next, nil
}

// simpleQuoted returns a quoted scalar that closes on its line and has no
// escapes as a slice of the source, which is most of them.
func (p *parser) simpleQuoted(pos, end int) (string, int, bool) {
	text := p.src[pos+1 : end]
	if p.src[pos] == '\'' {
		i := strings.IndexByte(text, '\'')
		if i < 0 || i+1 < len(text) && text[i+1] == '\'' {
			return "", 0, false
		}
		return text[:i], pos + 2 + i, true
	}
	i := strings.IndexAny(text, "\"\\")
	if i < 0 || text[i] != '"' {
		return "", 0, false
	}
	return text[:i], pos + 2 + i, true
}

// quotedSegment appends the quoted text from pos to the closing quote or the
// end of the line; it reports whether the quote closed and where after it.
// Spaces are held back until something follows them, because spaces that
// end a line inside quotes are dropped when the line is folded.
func (p *parser) quotedSegment(b *strings.Builder, quote byte, pos, end int) (bool, int, error) {
	src := p.src
	spaces := 0
	flush := func() {
		for ; spaces > 0; spaces-- {
			b.WriteByte(' ')
		}
	}
	for q := pos; q < end; q++ {
		c := src[q]
		switch {
		case c == ' ':
			spaces++
			continue
		case c == quote && quote == '\'' && q+1 < end && src[q+1] == '\'':
			flush()
			b.WriteByte('\'')
			q++
		case c == quote:
			flush()
			return true, q + 1, nil
		case c == '\\' && quote == '"':
			flush()
			n, err := writeEscape(b, src, q+1, end)
			if err != nil {
				return false, 0, err
			}
			q += n
		default:
			flush()
			b.WriteByte(c)
		}
	}
	return false, end, nil
}

// blockScalar parses a literal (|) or folded (>) block scalar whose header
// is at pos. Explicit indentation indicators, folded text with more-indented
// lines and empty scalars are declined.
func (p *parser) blockScalar(pos, parent int) (any, error) {
	ln := p.lines[p.i]
	src := p.src
	folded := src[pos] == '>'
	chomp := byte(0)
	q := pos + 1
	if q < ln.end && (src[q] == '-' || src[q] == '+') {
		chomp = src[q]
		q++
	}
	if q < ln.end && src[q] != ' ' || !p.restIsEmpty(q, ln.end) {
		return nil, errDecline
	}
	first := p.i + 1
	content := first
	for content < len(p.lines) && p.lines[content].spaces {
		content++
	}
	if content == len(p.lines) {
		return nil, errDecline
	}
	indent := p.lines[content].indent
	if indent <= parent || indent < 1 {
		return nil, errDecline
	}
	for j := first; j < content; j++ {
		if p.lines[j].indent > indent || folded {
			return nil, errDecline
		}
	}
	// The scalar runs to the first non-space line indented less than indent.
	end, last := content, content
	for ; end < len(p.lines); end++ {
		l := p.lines[end]
		if l.spaces && l.indent <= indent {
			continue
		}
		if l.indent < indent {
			break
		}
		if folded && (l.indent > indent || l.spaces) {
			return nil, errDecline
		}
		last = end
	}
	var b strings.Builder
	for j := first; j <= last; j++ {
		l := p.lines[j]
		text := ""
		if !(l.spaces && l.indent <= indent) {
			text = src[l.start+indent : l.end]
		}
		switch {
		case j == first:
		case !folded:
			b.WriteByte('\n')
		case text != "":
			// In folded text each run of blank lines was written as
			// newlines when met; a lone break becomes a space.
			if p.lines[j-1].spaces {
				break
			}
			b.WriteByte(' ')
		default:
			b.WriteByte('\n')
		}
		b.WriteString(text)
	}
	// The last line's break is kept unless stripped; at the end of the
	// input there is none to keep.
	switch {
	case !p.lines[last].broken || chomp == '-':
	case chomp == 0:
		b.WriteByte('\n')
	case chomp == '+':
		b.WriteByte('\n')
		for j := last + 1; j < end; j++ {
			if !p.lines[j].broken {
				return nil, errDecline
			}
			b.WriteByte('\n')
		}
	}
	p.i = end
	return b.String(), nil
}
