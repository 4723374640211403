package yamldec

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// sigsDecode is the reference: what Helm's YAML reading yields.
func sigsDecode(src string) (any, error) {
	var v any
	err := yaml.Unmarshal([]byte(src), &v)
	return v, err
}

// requireSame fails if the fast path accepted src but disagrees with
// sigs.k8s.io/yaml; it reports whether the fast path was taken.
func requireSame(t *testing.T, src string) bool {
	t.Helper()
	got, ok := Decode(src)
	if !ok {
		return false
	}
	want, err := sigsDecode(src)
	if err != nil {
		t.Fatalf("fast path accepted input sigs.k8s.io/yaml rejects (%v):\n%s", err, src)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decode differs for:\n%s\nfast: %#v\nsigs: %#v", src, got, want)
	}
	return true
}

// fastCases must be taken by the fast path and agree with sigs.k8s.io/yaml.
var fastCases = []string{
	"",
	"# only a comment\n",
	"a: 1\nb: two\nc: true\nd: ~\ne:\n",
	"a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\n",
	"int: 0x1F\noct: 017\nbad8: 08\nbin: 0b101\nneg: -0b11\nunder: 1_000\nbig: 18446744073709551615\nhuge: 123456789012345678901234567890\n",
	"f1: 1.5\nf2: .5\nf3: 1e3\nf4: -2.5E-3\nf5: 1.\nf6: +12\nf7: -0\nf8: -0.0\n",
	"ts: 2001-12-14\nts2: 2001-12-14t21:59:43.10-05:00\nver: 1.2.3\nip: 10.0.0.1\n",
	"url: http://example.com:8080/x#frag\nhash: a#b\nk:v: x\n",
	"list:\n- a\n- b\nnext: 1\n",
	"list:\n  - a\n  -   b\n  -\n    c: d\n  - e: f\n    g: h\n",
	"- name: x\n  ports:\n  - 80\n  - 443\n- name: y\n",
	"a:\n  b:\n    c: deep\n  d: [1, two, \"three\", 'four', {e: f}]\n",
	"empty_map: {}\nempty_list: []\nflow: {a: 1, \"b\":2, c: [x, y]}\n",
	"lit: |\n  line one\n    indented\n\n  after blank\nnext: x\n",
	"strip: |-\n  text\n\n\nkeep: |+\n  text\n\n\nclip: |\n  text\n\n",
	"fold: >\n  a\n  b\n\n  c\nfold2: >-\n  x\n  y\n",
	"lit: | # comment\n  x\n",
	"q1: 'it''s'\nq2: \"tab\\tnew\\nline \\u00e9 \\x41 \\U0001F600 \\\\ \\\"\"\n",
	"q3: 'multi\n  line\n\n  quoted'\nq4: \"multi\n  line\"\n",
	"plain: multi\n  line\n\n  plain # comment\nnext: 1\n",
	"\"quoted key\": 1\n'single key': 2\n",
	"a: 1 # comment\n# full comment\nb: 2\n",
	"key:    spaced value   \n",
	"top\n",
	"- 1\n- 2.5\n- x\n",
	"unicode: héllo wörld ✓\n",
	"a:\n  - b\n  -\n  - c\n",
	"a: |\n  x\nb: 1",
	"a: |-\n  x",
	"a: |\n  x",
	"a: |+\n  x\n\n",
	"a: |+\n  x",
	"a: >\n  x\n  y",
	"record: :node:sum\nq: ?x\n",
	"dup: 1\ndup: 2\n",
	"---\na: 1\n",
	"Kind: A\nkind: B\n",
}

func TestFastPathAgrees(t *testing.T) {
	for _, src := range fastCases {
		if !requireSame(t, src) {
			t.Errorf("fast path declined:\n%s", src)
		}
	}
}

// declinedCases are left to sigs.k8s.io/yaml; they must not be decoded.
var declinedCases = []string{
	"a: &x 1\nb: *x\n",
	"a: !!str 1\n",
	"a:\tb\n",
	"a: 1\n---\nb: 2\n",
	"- - nested\n",
	"# c\n--- # c\na: 1\n",
	"a: \"\\/\"\n",
	"1: a\n",
	"true: a\n",
	"<<: {a: 1}\n",
	"a: .nan\n",
	"a: .inf\n",
	"? a\n: b\n",
	"a: b: c\n",
	"a: 'x\n",
	"a: \"x\\\n  y\"\n",
	"a: |2\n  x\n",
	"a: |\n",
	"a: [1,\n  2]\n",
	"a\r\n",
	"\ufeffa: 1\n",
}

func TestDeclines(t *testing.T) {
	for _, src := range declinedCases {
		if _, ok := Decode(src); ok {
			t.Errorf("fast path accepted input it must leave to sigs.k8s.io/yaml:\n%q", src)
		}
	}
}

func TestUnmarshalMapMatchesSigs(t *testing.T) {
	for _, src := range append(append([]string{"- a\n", "null\n", "x\n"}, fastCases...), declinedCases...) {
		got := map[string]any{}
		gotErr := UnmarshalMap([]byte(src), &got)
		want := map[string]any{}
		wantErr := yaml.Unmarshal([]byte(src), &want)
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("error differs for %q: %v vs %v", src, gotErr, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("map differs for %q:\n%#v\n%#v", src, got, want)
		}
		gotS := []any{}
		gotErr = UnmarshalSlice([]byte(src), &gotS)
		wantS := []any{}
		wantErr = yaml.Unmarshal([]byte(src), &wantS)
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("slice error differs for %q: %v vs %v", src, gotErr, wantErr)
		}
		if !reflect.DeepEqual(gotS, wantS) {
			t.Fatalf("slice differs for %q:\n%#v\n%#v", src, gotS, wantS)
		}
	}
}

// TestCorpus decodes every YAML file and every golden document of the
// corpus both ways. The fast path must agree wherever it is taken, and it
// must be taken for nearly all values files and rendered documents, or it
// is not worth having.
func TestCorpus(t *testing.T) {
	corpus := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("corpus not found")
	}
	var files, fast, docs, fastDocs int
	err := filepath.WalkDir(corpus, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") ||
			strings.Contains(path, string(filepath.Separator)+"templates"+string(filepath.Separator)) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(path, string(filepath.Separator)+"golden"+string(filepath.Separator)) {
			for _, doc := range strings.Split(string(data), "\n---\n") {
				docs++
				if requireSame(t, doc) {
					fastDocs++
				}
			}
			return nil
		}
		files++
		if requireSame(t, string(data)) {
			fast++
		} else if testing.Verbose() {
			t.Logf("declined: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fast path: %d/%d chart YAML files, %d/%d golden documents", fast, files, fastDocs, docs)
	if fast*10 < files*8 || fastDocs*10 < docs*9 {
		t.Errorf("fast path taken too rarely: %d/%d files, %d/%d documents", fast, files, fastDocs, docs)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range fastCases {
		f.Add(s)
	}
	for _, s := range declinedCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		requireSame(t, src)
	})
}
