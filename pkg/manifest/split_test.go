package manifest

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// helmSeparator is the expression Helm splits rendered files with; the hand
// written scanner must agree with it on every input.
var helmSeparator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

func regexpSplit(s string) []string {
	var out []string
	for _, d := range helmSeparator.Split(strings.TrimSpace(s), -1) {
		if d == "" {
			continue
		}
		out = append(out, strings.TrimSpace(d))
	}
	return out
}

var splitSeeds = []string{
	"",
	"---",
	"a: 1",
	"---\na: 1\n---\nb: 2\n",
	"a: 1\n---\n---\nb: 2",
	"a: 1\n  \n\t\n---   \n\n b: 2",
	"a: 1\n----\nb",
	"a: 1\n---foo\nb",
	"a: 1\n--- \n \n---\nb: 2",
	"  \n---\n  a\n",
	"x: |\n  text\n  ---\n---\ny",
	"a\r\n---\r\nb",
	"a\f\n---\vb",
	"---\n---\n---",
	"#c\n---\n# only comment\n---\n",
}

func TestSplitDocumentsMatchesHelmRegexp(t *testing.T) {
	for _, s := range splitSeeds {
		if got, want := SplitDocuments(s), regexpSplit(s); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitDocuments(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzSplitDocuments(f *testing.F) {
	for _, s := range splitSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := SplitDocuments(s), regexpSplit(s); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitDocuments(%q) = %q, want %q", s, got, want)
		}
	})
}
