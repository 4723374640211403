package yamlenc

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// cleanString reports whether s survives json.Marshal followed by the yaml.v2
// parse unchanged. JSON escapes (control characters, quotes, <, >, &) are
// undone by the parse, so they are fine. Not fine:
//   - invalid UTF-8, which json.Marshal rewrites to U+FFFD;
//   - U+007F..U+009F, U+FFFE and U+FFFF, which json.Marshal writes raw and
//     the yaml.v2 reader rejects as control characters (U+0085 is accepted
//     but folded into a space as a line break);
//   - U+2028, U+2029 and U+FEFF, which are line breaks or a byte order mark
//     to YAML; they are rare enough to leave to sigs rather than reason about.
func cleanString(s string) bool {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !cleanRune(r, size) {
			return false
		}
		i += size
	}
	return true
}

// cleanRune judges one decoded non-ASCII rune; see cleanString.
func cleanRune(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return false
	case r <= 0x9f:
		return false
	case r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
		return false
	}
	return true
}

// maxKeyJSONLen bounds the JSON length of a mapping key. yaml.v2 reads the
// JSON object as a flow mapping whose keys are YAML simple keys, and a simple
// key longer than 1024 characters makes the parse fail. The bound leaves a
// margin below that limit.
const maxKeyJSONLen = 1000

// cleanKey reports whether k is a string cleanString accepts whose JSON form
// is short enough to be parsed back as a key.
func cleanKey(k string) bool {
	// Every byte becomes at most six JSON characters (\u00XX), plus quotes.
	if 6*len(k)+2 > maxKeyJSONLen && keyJSONLen(k) > maxKeyJSONLen {
		return false
	}
	return cleanString(k)
}

// keyJSONLen is an upper bound of the number of characters json.Marshal
// writes for k, counting every byte of a multi-byte rune.
func keyJSONLen(k string) int {
	n := 2
	for i := 0; i < len(k); i++ {
		switch b := k[i]; {
		case b < 0x20, b == '<', b == '>', b == '&':
			n += 6
		case b == '"', b == '\\':
			n += 2
		default:
			n++
		}
	}
	return n
}

// twoTo53 is the float64 2^53, below which every integer is exact and so is
// json.Marshal's text of an integral float64.
const twoTo53 = 1 << 53

// fromFloat returns what yaml.v2 resolves json.Marshal's text of f to.
// json.Marshal writes integral values below 1e21 without fraction or
// exponent, which yaml.v2 reads as an integer; everything else is written as
// the shortest text that reads back as f, which yaml.v2 reads as float64 f.
// NaN and infinities make json.Marshal fail, so they are not handled here.
func fromFloat(f float64) (any, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false
	}
	if f != math.Trunc(f) || math.Abs(f) >= 1e21 {
		return f, true
	}
	if math.Abs(f) < twoTo53 {
		// -0 is written "-0" and read back as int 0.
		return fromInt64(int64(f)), true
	}
	return fromBigIntegral(f), true
}

// fromBigIntegral resolves an integral f of at least 2^53 in magnitude.
// json.Marshal writes the shortest digits that read back as f padded with
// zeros (2^63 is "9223372036854776000"), which is not f's exact value, so the
// text itself is resolved as yaml.v2 does: int if it fits, else uint64, else
// float64, which reads back as f.
func fromBigIntegral(f float64) any {
	var buf [32]byte
	text := string(strconv.AppendFloat(buf[:0], f, 'f', -1, 64))
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return fromInt64(i)
	}
	if u, err := strconv.ParseUint(text, 10, 64); err == nil {
		return u
	}
	return f
}

// fromInt64 returns what yaml.v2 resolves a decimal signed integer to: int
// when it fits, int64 otherwise (which only happens where int is 32 bits).
func fromInt64(i int64) any {
	if int64(int(i)) == i {
		return int(i)
	}
	return i
}

// fromUint returns what yaml.v2 resolves a decimal unsigned integer to: as a
// signed integer when it fits int64, uint64 otherwise.
func fromUint(u uint64) any {
	if u <= math.MaxInt64 {
		return fromInt64(int64(u))
	}
	return u
}
