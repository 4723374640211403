package tplparse

import "strings"

// kind is the type of a token. The set mirrors the standard lexer's items
// minus those this parser declines (comments, char and complex constants).
type kind uint8

const (
	tEOF kind = iota
	tText
	tLeftDelim
	tRightDelim
	tSpace
	tAssign
	tDeclare
	tPipe
	tString
	tRawString
	tVariable
	tField
	tDot
	tNumber
	tIdentifier
	tBool
	tNil
	tLeftParen
	tRightParen
	tChar
	tBlock
	tBreak
	tContinue
	tDefine
	tElse
	tEnd
	tIf
	tRange
	tTemplate
	tWith
)

// token is one lexical item: its kind, byte offset and text. Line numbers
// are computed on demand from the offset (see lineCounter), because only
// the first token of an action ever needs one.
type token struct {
	kind kind
	pos  int
	val  string
}

// declined aborts the fast parse; Parse then runs the standard parser,
// which either accepts the input or reports the error in its own words.
type declined struct{}

func decline() { panic(declined{}) }

// lexer produces the standard lexer's token stream for the default "{{" and
// "}}" delimiters, byte by byte instead of rune by rune.
type lexer struct {
	input      string
	pos        int
	inAction   bool
	parenDepth int
}

const spaceChars = " \t\r\n"

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isAlnum(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// hasLeftTrim reports "- " right after a left delimiter.
func hasLeftTrim(s string) bool { return len(s) >= 2 && s[0] == '-' && isSpace(s[1]) }

// hasRightTrim reports " -" right before a right delimiter.
func hasRightTrim(s string) bool { return len(s) >= 2 && isSpace(s[0]) && s[1] == '-' }

func (l *lexer) next() token {
	if l.inAction {
		return l.action()
	}
	return l.text()
}

// text scans plain text up to the next action, skipping comments and the
// spaces trim markers remove.
func (l *lexer) text() token {
	for {
		start := l.pos
		x := strings.Index(l.input[start:], "{{")
		if x < 0 {
			l.pos = len(l.input)
			if l.pos > start {
				return token{tText, start, l.input[start:]}
			}
			return token{tEOF, start, ""}
		}
		delim := start + x
		if x > 0 {
			end := delim
			if hasLeftTrim(l.input[delim+2:]) {
				end = start + len(strings.TrimRight(l.input[start:delim], spaceChars))
			}
			l.pos = delim
			if end > start {
				return token{tText, start, l.input[start:end]}
			}
		}
		p := delim + 2
		if hasLeftTrim(l.input[p:]) {
			p += 2
		}
		if strings.HasPrefix(l.input[p:], "/*") {
			l.pos = l.skipComment(p + 2)
			continue
		}
		l.inAction = true
		l.parenDepth = 0
		l.pos = p
		return token{tLeftDelim, delim, "{{"}
	}
}

// skipComment returns the offset after the comment whose body starts at p,
// its closing delimiter and any spaces a trim marker removes.
func (l *lexer) skipComment(p int) int {
	y := strings.Index(l.input[p:], "*/")
	if y < 0 {
		decline()
	}
	p += y + 2
	switch {
	case hasRightTrim(l.input[p:]) && strings.HasPrefix(l.input[p+2:], "}}"):
		p += 4
		return p + len(l.input[p:]) - len(strings.TrimLeft(l.input[p:], spaceChars))
	case strings.HasPrefix(l.input[p:], "}}"):
		return p + 2
	}
	decline()
	return 0
}

// rightDelim consumes a right delimiter at p ("}}" or " -}}").
func (l *lexer) rightDelim(p int, trim bool) token {
	if l.parenDepth != 0 {
		decline()
	}
	if trim {
		p += 2
	}
	end := p + 2
	if trim {
		end += len(l.input[end:]) - len(strings.TrimLeft(l.input[end:], spaceChars))
	}
	l.pos = end
	l.inAction = false
	return token{tRightDelim, p, "}}"}
}

// atTerminator reports whether the byte at p may follow a word.
func (l *lexer) atTerminator(p int) bool {
	if p >= len(l.input) {
		return true
	}
	switch c := l.input[p]; c {
	case ' ', '\t', '\r', '\n', '.', ',', '|', ':', ')', '(':
		return true
	}
	return strings.HasPrefix(l.input[p:], "}}")
}

// word returns the end of the run of letters, digits and underscores at p;
// a non-ASCII byte might continue the run as a Unicode letter, so it
// declines.
func (l *lexer) word(p int) int {
	for p < len(l.input) && isAlnum(l.input[p]) {
		p++
	}
	if p < len(l.input) && l.input[p] >= 0x80 {
		decline()
	}
	if !l.atTerminator(p) {
		decline()
	}
	return p
}

func (l *lexer) emit(k kind, start, end int) token {
	l.pos = end
	return token{k, start, l.input[start:end]}
}

func (l *lexer) action() token {
	in := l.input
	p := l.pos
	if hasRightTrim(in[p:]) && strings.HasPrefix(in[p+2:], "}}") {
		return l.rightDelim(p, true)
	}
	if strings.HasPrefix(in[p:], "}}") {
		return l.rightDelim(p, false)
	}
	if p >= len(in) {
		decline()
	}
	switch c := in[p]; {
	case isSpace(c):
		q := p + 1
		for q < len(in) && isSpace(in[q]) {
			q++
		}
		if q < len(in) && in[q] == '-' && strings.HasPrefix(in[q+1:], "}}") {
			q-- // the last space belongs to the " -}}" delimiter
			if q == p {
				return l.rightDelim(q, true)
			}
		}
		return l.emit(tSpace, p, q)
	case c == '=':
		return l.emit(tAssign, p, p+1)
	case c == ':':
		if p+1 >= len(in) || in[p+1] != '=' {
			decline()
		}
		return l.emit(tDeclare, p, p+2)
	case c == '|':
		return l.emit(tPipe, p, p+1)
	case c == '"':
		return l.emit(tString, p, l.quoted(p+1))
	case c == '`':
		y := strings.IndexByte(in[p+1:], '`')
		if y < 0 {
			decline()
		}
		return l.emit(tRawString, p, p+y+2)
	case c == '$':
		if l.atTerminator(p + 1) {
			return l.emit(tVariable, p, p+1)
		}
		return l.emit(tVariable, p, l.word(p+1))
	case c == '.' && p+1 < len(in) && !isDigit(in[p+1]):
		if l.atTerminator(p + 1) {
			return l.emit(tDot, p, p+1)
		}
		return l.emit(tField, p, l.word(p+1))
	case c == '.' || c == '+' || c == '-' || isDigit(c):
		return l.emit(tNumber, p, l.number(p))
	case isAlnum(c):
		end := l.word(p)
		return l.emit(keyword(in[p:end]), p, end)
	case c == '(':
		l.parenDepth++
		return l.emit(tLeftParen, p, p+1)
	case c == ')':
		l.parenDepth--
		if l.parenDepth < 0 {
			decline()
		}
		return l.emit(tRightParen, p, p+1)
	case c > ' ' && c < 0x7f && c != '\'':
		return l.emit(tChar, p, p+1)
	}
	decline()
	return token{}
}

// quoted returns the offset after the closing quote of a string whose body
// starts at p.
func (l *lexer) quoted(p int) int {
	in := l.input
	for p < len(in) {
		switch in[p] {
		case '\\':
			if p+1 >= len(in) || in[p+1] == '\n' {
				decline()
			}
			p += 2
			continue
		case '\n':
			decline()
		case '"':
			return p + 1
		}
		p++
	}
	decline()
	return 0
}

// number returns the end of the number at p, scanning as the standard lexer
// does. Complex and imaginary constants decline.
func (l *lexer) number(p int) int {
	in := l.input
	accept := func(valid string) bool {
		if p < len(in) && strings.IndexByte(valid, in[p]) >= 0 {
			p++
			return true
		}
		return false
	}
	run := func(valid string) {
		for accept(valid) {
		}
	}
	accept("+-")
	digits := "0123456789_"
	if accept("0") {
		switch {
		case accept("xX"):
			digits = "0123456789abcdefABCDEF_"
		case accept("oO"):
			digits = "01234567_"
		case accept("bB"):
			digits = "01_"
		}
	}
	run(digits)
	if accept(".") {
		run(digits)
	}
	if len(digits) == 11 && accept("eE") {
		accept("+-")
		run("0123456789_")
	}
	if len(digits) == 23 && accept("pP") {
		accept("+-")
		run("0123456789_")
	}
	if accept("i") {
		decline()
	}
	if p < len(in) && (isAlnum(in[p]) || in[p] >= 0x80 || in[p] == '+' || in[p] == '-') {
		decline()
	}
	return p
}

func keyword(w string) kind {
	switch w {
	case "block":
		return tBlock
	case "break":
		return tBreak
	case "continue":
		return tContinue
	case "define":
		return tDefine
	case "else":
		return tElse
	case "end":
		return tEnd
	case "if":
		return tIf
	case "range":
		return tRange
	case "nil":
		return tNil
	case "template":
		return tTemplate
	case "with":
		return tWith
	case "true", "false":
		return tBool
	}
	return tIdentifier
}
