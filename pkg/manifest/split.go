package manifest

import "strings"

// SplitDocuments splits a rendered file into trimmed, non-empty documents at
// the separators Helm recognises: the regular expression
// `(?:^|\s*\n)---\s*` (a "---" at the very start, or after a newline, with
// surrounding whitespace absorbed). It is a single forward scan instead of a
// backtracking regexp match over the whole output, and returns exactly what
// regexp.Split followed by TrimSpace would; FuzzSplitDocuments checks that.
func SplitDocuments(s string) []string {
	s = strings.TrimSpace(s)
	var docs []string
	add := func(piece string) {
		if piece == "" {
			return
		}
		docs = append(docs, strings.TrimSpace(piece))
	}
	begin, pos := 0, 0
	if strings.HasPrefix(s, "---") {
		pos = 3 + leadingRegexpSpace(s[3:])
		begin = pos
	}
	for {
		k := strings.Index(s[pos:], "\n---")
		if k < 0 {
			break
		}
		k += pos
		start := k
		for start > pos && isRegexpSpace(s[start-1]) {
			start--
		}
		add(s[begin:start])
		pos = k + 4
		pos += leadingRegexpSpace(s[pos:])
		begin = pos
	}
	add(s[begin:])
	return docs
}

// isRegexpSpace is RE2's \s: tab, newline, form feed, carriage return, space.
func isRegexpSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func leadingRegexpSpace(s string) int {
	n := 0
	for n < len(s) && isRegexpSpace(s[n]) {
		n++
	}
	return n
}
