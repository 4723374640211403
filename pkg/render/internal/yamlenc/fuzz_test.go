package yamlenc

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// valueGen builds a nested value from fuzz input; exhausted input reads as
// zeros, so every input yields a value.
type valueGen struct {
	data  []byte
	nodes int // values built so far, to keep each execution fast
}

// maxNodes bounds the size of a generated value.
const maxNodes = 150

func (g *valueGen) byte() byte {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return b
}

func (g *valueGen) uint64() uint64 {
	var buf [8]byte
	n := copy(buf[:], g.data)
	g.data = g.data[n:]
	return binary.LittleEndian.Uint64(buf[:])
}

func (g *valueGen) pick(list []string) string {
	return list[int(g.byte())%len(list)]
}

// scalarWords are strings YAML gives a meaning to or quotes specially.
var scalarWords = []string{
	"", " ", "yes", "no", "on", "off", "y", "n", "Y", "true", "False", "null",
	"Null", "~", ".nan", ".inf", "-.inf", "1", "01", "-1", "0x1F", "0o7",
	"0b11", "1_0", "1e3", ".5", "+1", "1.", "1.5", "2024-01-02", "12:30",
	"<<", "-", "---", "a: b", "#c", "a #c", "- x", "? x", "!t", "&a", "*a",
	"|", ">", "%", "@", "`", "'", "\"", "\\", "{}", "[]", ",", "a", "A",
	"a1", "a01", "a10", "_x", "é", "世界", "\U0001F600", " lead", "trail ",
}

// runeAlphabet feeds random strings: letters, digits, YAML indicators,
// whitespace, line breaks, control characters and non-ASCII.
var runeAlphabet = []rune{
	'a', 'b', 'z', 'A', 'Z', '0', '1', '9', ' ', ' ', ' ', '\n', '\t', '\r',
	':', '#', '-', '?', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>',
	'\'', '"', '%', '@', '`', '<', '=', '~', '.', '+', '_', '\\', '/',
	0x00, 0x01, 0x08, 0x0c, 0x1b, 0x1f, 0xa0, 0xe9, 0xfffd, 0x4e16, 0x1f600,
}

// rareRunes are the characters the fast path leaves to sigs. They are drawn
// rarely so that most generated values still take the fast path.
var rareRunes = []rune{0x7f, 0x85, 0x90, 0x9f, 0x2028, 0x2029, 0xfeff, 0xfffe, 0xffff}

func (g *valueGen) randomString() string {
	n := int(g.byte() % 24)
	var sb strings.Builder
	for range n {
		b := g.byte()
		switch b {
		case 0xff:
			sb.WriteByte(g.byte()) // a raw byte, possibly invalid UTF-8
			continue
		case 0xfe:
			sb.WriteRune(rareRunes[int(g.byte())%len(rareRunes)])
			continue
		}
		sb.WriteRune(runeAlphabet[int(b)%len(runeAlphabet)])
	}
	return sb.String()
}

// longString triggers yaml.v2's folding of long lines and literal blocks.
func (g *valueGen) longString() string {
	words := []string{"word", "a", "longer-word", "x", "", " ", "\n", "trailing ", " leading", "#", ":"}
	n := 10 + int(g.byte()%60)
	var sb strings.Builder
	for range n {
		sb.WriteString(g.pick(words))
		if g.byte()%4 != 0 {
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}

func (g *valueGen) str() string {
	switch g.byte() % 4 {
	case 0, 1:
		return g.pick(scalarWords)
	case 2:
		return g.randomString()
	}
	return g.longString()
}

func (g *valueGen) key() string {
	if g.byte()%3 == 0 {
		return g.randomString()
	}
	return g.pick(scalarWords)
}

func (g *valueGen) float() float64 {
	switch g.byte() % 4 {
	case 0:
		return math.Float64frombits(g.uint64())
	case 1:
		// Integral values around the int64 and uint64 limits and 1e21.
		bases := []float64{1 << 53, 1 << 62, 1 << 63, 1 << 64, 1e19, 1e20, 1e21, 1e22}
		base := bases[int(g.byte())%len(bases)]
		return base + float64(int8(g.byte()))*math.Pow(2, float64(g.byte()%16))
	}
	mantissa := float64(int16(g.byte())<<8|int16(g.byte())) / 100
	return mantissa * math.Pow(10, float64(int(g.byte()%60)-30))
}

func (g *valueGen) integer() any {
	u := g.uint64()
	switch g.byte() % 8 {
	case 0:
		return int(u)
	case 1:
		return int64(u)
	case 2:
		return int32(u)
	case 3:
		return int8(u)
	case 4:
		return uint64(u)
	case 5:
		return uint(u)
	case 6:
		return uint16(u)
	}
	return int(int8(u))
}

// fallbackValue returns a value outside the fast path.
func (g *valueGen) fallbackValue() any {
	switch g.byte() % 5 {
	case 0:
		return []byte(g.randomString())
	case 1:
		return plainStruct{A: g.str(), B: int(g.byte())}
	case 2:
		return float32(g.float())
	case 3:
		return &plainStruct{A: g.str()}
	}
	return math.NaN()
}

func (g *valueGen) value(depth int) any {
	g.nodes++
	kind := g.byte() % 16
	if (depth >= 5 || g.nodes > maxNodes) && kind >= 8 {
		kind %= 8
	}
	switch kind {
	case 0:
		return nil
	case 1:
		return g.byte()%2 == 0
	case 2, 3:
		return g.str()
	case 4, 5:
		return g.float()
	case 6:
		return g.integer()
	case 7:
		if g.byte()%8 == 0 {
			return g.fallbackValue()
		}
		return g.str()
	case 8, 9:
		return g.mapAny(depth)
	case 10, 11:
		return g.sliceAny(depth)
	case 12:
		return g.empty()
	case 13:
		m := map[string]string{}
		for range g.byte() % 5 {
			m[g.key()] = g.str()
		}
		return m
	case 14:
		var s []string
		for range g.byte() % 5 {
			s = append(s, g.str())
		}
		return s
	}
	return namedMap(g.mapAny(depth))
}

func (g *valueGen) mapAny(depth int) map[string]any {
	m := map[string]any{}
	for range g.byte() % 7 {
		m[g.key()] = g.value(depth + 1)
	}
	return m
}

func (g *valueGen) sliceAny(depth int) []any {
	s := []any{}
	for range g.byte() % 6 {
		s = append(s, g.value(depth+1))
	}
	return s
}

func (g *valueGen) empty() any {
	switch g.byte() % 6 {
	case 0:
		return map[string]any(nil)
	case 1:
		return []any(nil)
	case 2:
		return map[string]any{}
	case 3:
		return []any{}
	case 4:
		return []string(nil)
	}
	return map[string]string(nil)
}

func FuzzMarshal(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x08\x03\x02\x00\x04\x03\x10\x20\x30\x0a\x04\x06\x01\x02\x03"))
	f.Add([]byte("\x09\x06\x02\x01\x05\x04\x01\x03\x00\x00\x00\x00\x00\x00\xf0\x43\x02\x08\x03\x01\x02\x03"))
	f.Add([]byte("\x08\x05\x00\x07\x03\x03\x30\x0a\x02\x03\x20\x01\x02\x02\x07\x05\x02\x00\x0a"))
	f.Add([]byte("long strings \x03\x03\x55\x66\x77 and more words to consume ... \xff\xfe\x00\x85"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &valueGen{data: data}
		v := g.value(0)
		if ok, diff := checkValue(v); !ok {
			t.Fatalf("Marshal(%#v) differs from sigs.k8s.io/yaml.Marshal\n%s", v, diff)
		}
	})
}
