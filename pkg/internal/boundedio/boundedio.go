// Package boundedio holds writers with a size bound, for collecting the
// output of external programs (post-renderers, plugins) without letting a
// misbehaving one grow memory without limit.
package boundedio

import (
	"errors"
	"fmt"
)

// ErrLimit is returned by Limit.Write once the bound is passed.
var ErrLimit = errors.New("output exceeds the size limit")

// Tail keeps the last Max bytes written to it and counts the rest, so a
// chatty stderr stays small while its end, where tools usually say what went
// wrong, survives. The zero value keeps nothing; set Max.
type Tail struct {
	Max     int
	buf     []byte
	dropped int64
}

// Write always succeeds: a full buffer drops its oldest bytes.
func (t *Tail) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= t.Max {
		t.dropped += int64(len(t.buf) + len(p) - t.Max)
		t.buf = append(t.buf[:0], p[len(p)-t.Max:]...)
		return n, nil
	}
	if over := len(t.buf) + len(p) - t.Max; over > 0 {
		t.dropped += int64(over)
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// String is the kept text, prefixed with a note when the start was dropped.
func (t *Tail) String() string {
	if t.dropped == 0 {
		return string(t.buf)
	}
	return fmt.Sprintf("[%d earlier bytes dropped]\n%s", t.dropped, t.buf)
}

// Limit collects up to Max bytes. A write that would pass Max is refused with
// ErrLimit and Exceeded reports true from then on; the refusal closes the
// pipe a child process writes to, so it stops early.
type Limit struct {
	Max      int64
	buf      []byte
	exceeded bool
}

// Write appends p or refuses it whole when it would pass the bound.
func (l *Limit) Write(p []byte) (int, error) {
	if l.exceeded || int64(len(l.buf))+int64(len(p)) > l.Max {
		l.exceeded = true
		return 0, ErrLimit
	}
	l.buf = append(l.buf, p...)
	return len(p), nil
}

// Bytes is what was collected.
func (l *Limit) Bytes() []byte { return l.buf }

// Exceeded reports whether a write was refused.
func (l *Limit) Exceeded() bool { return l.exceeded }
