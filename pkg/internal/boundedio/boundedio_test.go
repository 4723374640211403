package boundedio

import (
	"errors"
	"strings"
	"testing"
)

func TestTail(t *testing.T) {
	tests := []struct {
		name   string
		max    int
		writes []string
		want   string
	}{
		{"fits", 10, []string{"abc", "def"}, "abcdef"},
		{"drops oldest", 4, []string{"abc", "def"}, "[2 earlier bytes dropped]\ncdef"},
		{"one big write", 3, []string{"abcdefg"}, "[4 earlier bytes dropped]\nefg"},
		{"big after small", 3, []string{"ab", "cdefg"}, "[4 earlier bytes dropped]\nefg"},
		{"empty", 3, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &Tail{Max: tt.max}
			for _, w := range tt.writes {
				if n, err := tb.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if got := tb.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLimit(t *testing.T) {
	l := &Limit{Max: 5}
	if _, err := l.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Write([]byte("de")); err != nil {
		t.Fatal(err)
	}
	if l.Exceeded() {
		t.Fatal("exceeded at exactly the limit")
	}
	if _, err := l.Write([]byte("f")); !errors.Is(err, ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
	if !l.Exceeded() || !strings.EqualFold(string(l.Bytes()), "abcde") {
		t.Errorf("exceeded=%v bytes=%q", l.Exceeded(), l.Bytes())
	}
}
