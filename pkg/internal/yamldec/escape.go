package yamldec

import "strings"

// simpleEscapes maps the one-character escapes of double-quoted YAML to
// their text.
var simpleEscapes = [256]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", 'n': "\n", 'v': "\v",
	'f': "\f", 'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '\'': "'",
	'\\': "\\", 'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

// writeEscape writes the escape whose letter is at pos (after the
// backslash) and returns how many bytes it used past the backslash.
func writeEscape(b *strings.Builder, src string, pos, end int) (int, error) {
	if pos >= end {
		return 0, errDecline // an escaped line break
	}
	c := src[pos]
	if s := simpleEscapes[c]; s != "" {
		b.WriteString(s)
		return 1, nil
	}
	digits := 0
	switch c {
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	default:
		return 0, errDecline
	}
	if pos+1+digits > end {
		return 0, errDecline
	}
	value := 0
	for _, h := range []byte(src[pos+1 : pos+1+digits]) {
		d, ok := hexDigit(h)
		if !ok {
			return 0, errDecline
		}
		value = value<<4 | d
	}
	if value >= 0xD800 && value <= 0xDFFF || value > 0x10FFFF {
		return 0, errDecline
	}
	b.WriteRune(rune(value))
	return 1 + digits, nil
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}
