package tplparse

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/Masterminds/sprig/v3"
)

// testFuncs are the function names charts call: sprig's, text/template's
// built-ins and the ones Helm binds per render.
var testFuncs = func() map[string]any {
	m := map[string]any{}
	for name, f := range sprig.TxtFuncMap() {
		m[name] = f
	}
	for _, name := range []string{"and", "call", "html", "index", "slice", "js", "len", "not", "or",
		"print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
		"include", "tpl", "required", "fail", "lookup", "toYaml", "fromYaml", "fromYamlArray",
		"toJson", "fromJson", "fromJsonArray", "toToml", "fromToml", "toYamlPretty", "getHostByName"} {
		m[name] = func() {}
	}
	return m
}()

// check parses text both ways and fails on any difference. It reports
// whether the fast path took the input.
func check(t *testing.T, name, text string, funcs ...map[string]any) bool {
	t.Helper()
	want, wantErr := parse.Parse(name, text, "", "", funcs...)
	got, ok := parseFast(name, text, funcs)
	if !ok {
		return false
	}
	if wantErr != nil {
		t.Fatalf("%s: fast parser accepted input the standard parser rejects (%v):\n%s", name, wantErr, text)
	}
	if d := diffTrees(got, want); d != "" {
		t.Fatalf("%s: %s\ninput:\n%s", name, d, text)
	}
	return true
}

func TestFastPathMatchesStandardParser(t *testing.T) {
	tests := []struct{ name, text string }{
		{"empty", ""},
		{"text only", "hello\nworld\n"},
		{"field", "{{ .Values.image.repository }}"},
		{"field after space", "a: {{.Values.x}}\nb: {{ .Values.y.z }}\n"},
		{"trim markers", "a:\n  {{- .x }}  \n  {{- .y -}}\n\n  b {{- 3 -}} c"},
		{"trim with newlines", "x\n{{-\n.a\n-}}\ny"},
		{"pipeline", `{{ .Values.x | default "a" | quote | nindent 4 }}`},
		{"parenthesized", `{{ printf "%s-%s" (include "x" .) (.Values.y | toString) }}`},
		{"chain on pipe", `{{ (index .Values "a").b.c }}`},
		{"chain on function", `{{ dict.foo }}`},
		{"variables", `{{ $x := .Values }}{{ $x.a.b }}{{ $ }}{{ $.Values.c }}{{ $x = 3 }}`},
		{"variable spaced", `{{ $x := 1 }}{{ $x }}{{ printf "%v" $x  }}`},
		{"if else", "{{ if .a }}A{{ else if .b }}B{{ else if .c }}C{{ else }}D{{ end }}"},
		{"with else with", "{{ with .a }}A{{ else with .b }}B{{ else }}C{{ end }}"},
		{"range", "{{ range $i, $v := .list }}{{ $i }}={{ $v }}{{ end }}{{ range .x }}{{ . }}{{ else }}none{{ end }}"},
		{"range one var", "{{ range $v := .list }}{{ $v }}{{ end }}"},
		{"range key comma", "{{ range $k, $v := . }}{{ if $k }}{{ break }}{{ end }}{{ continue }}{{ end }}"},
		{"define", `{{- define "a.b" -}}x{{ .y }}{{- end -}}` + "\n" + `{{ define "c" }}{{ end }}{{ template "a.b" . }}{{ template "c" }}`},
		{"define shadows empty", `{{ define "t" }}  {{ end }}{{ define "t" }}body{{ end }}`},
		{"define named as file", `{{ define "f" }}body{{ end }}`},
		{"comments", "a {{/* one */}} b {{- /* two */ -}} c\n{{- /*\nthree\n*/}}\nd"},
		{"numbers", `{{ add 1 -2 3.5 0x1F 0o17 0b101 1e3 1_000 -0 0.0 .5 }}`},
		{"big numbers", `{{ add 18446744073709551615 9223372036854775807 1e300 }}`},
		{"strings", "{{ printf \"a\\tb\\\"c\\u00e9\" `raw\nstring` \"\" }}"},
		{"raw string with CR", "{{ printf `a\r\nb` }}"},
		{"bools and nil", "{{ if and true (not false) }}{{ default nil .x }}{{ end }}"},
		{"dot", "{{ . }}{{ with .a }}{{ . }}{{ end }}"},
		{"unicode text", "héllo {{ .x }} wörld ✓"},
		{"unicode in string", `{{ "ünïcode" }}`},
		{"lines", "a\nb\n{{ .x }}\n\n{{ if\n.y\n}}\n{{ end }}"},
		{"many spaces before trim", "{{ .x    -}}  y"},
		{"pipe without spaces", "{{.x|quote}}"},
		{"nested parens", "{{ (((.a))) }}"},
		{"template with pipeline", `{{ template "x" .Values.y }}{{ define "x" }}{{ . }}{{ end }}`},
		{"assign in if", "{{ if $x := .a }}{{ $x }}{{ else }}{{ $x }}{{ end }}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !check(t, tc.name, tc.text, testFuncs) {
				t.Fatalf("fast parser declined:\n%s", tc.text)
			}
		})
	}
}

func TestDeclinesWhatItDoesNotCover(t *testing.T) {
	tests := []struct{ name, text string }{
		{"syntax error", "{{ .x "},
		{"unclosed paren", "{{ (.x }}"},
		{"unknown function", "{{ nosuchfunc }}"},
		{"undefined variable", "{{ $nope }}"},
		{"unexpected end", "{{ end }}"},
		{"missing end", "{{ if .x }}"},
		{"break outside range", "{{ break }}"},
		{"redefinition", `{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}`},
		{"block", `{{ block "a" . }}x{{ end }}`},
		{"char constant", `{{ printf "%c" 'x' }}`},
		{"imaginary", `{{ print 1i }}`},
		{"complex", `{{ print 1+2i }}`},
		{"non-ASCII identifier", "{{ .héllo }}"},
		{"non executable stage", "{{ .x | 3 }}"},
		{"literal chain", `{{ "a".b }}`},
		{"bad number", "{{ print 1x }}"},
		{"lone minus", "{{ sub 3 - 1 }}"},
		{"integer overflow", "{{ print 99999999999999999999 }}"},
		{"unterminated string", "{{ \"abc }}"},
		{"unclosed comment", "{{/* abc }}"},
		{"comment before text", "{{/* a */ .x }}"},
		{"define inside if", `{{ if .x }}{{ define "a" }}{{ end }}{{ end }}`},
		{"too many decls", "{{ $a, $b := .x }}"},
		{"seed delimiter in text", "a" + seedDelim + "b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if check(t, tc.name, tc.text, testFuncs) {
				t.Fatalf("fast parser took input it should decline:\n%s", tc.text)
			}
			want, wantErr := parse.Parse(tc.name, tc.text, "", "", testFuncs)
			got, gotErr := Parse(tc.name, tc.text, testFuncs)
			if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
				t.Fatalf("Parse error %v, want %v", gotErr, wantErr)
			}
			if wantErr == nil {
				if d := diffTrees(got, want); d != "" {
					t.Fatal(d)
				}
			}
		})
	}
}

func TestBreakAsFunctionDeclines(t *testing.T) {
	funcs := map[string]any{"break": func() string { return "" }}
	if check(t, "f", "{{ range .x }}{{ break }}{{ end }}", funcs) {
		t.Fatal("fast parser took input where break is a function")
	}
}

// TestCorpus parses every template of the chart corpus both ways. The fast
// path must agree wherever it is taken and must take nearly every file.
func TestCorpus(t *testing.T) {
	corpus := filepath.Join("..", "..", "..", "shared", "corpus", "charts")
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("corpus not found")
	}
	var files, fast, failing int
	err := filepath.WalkDir(corpus, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(filepath.ToSlash(path), "/templates/") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if _, err := parse.Parse(path, string(src), "", "", testFuncs); err != nil {
			failing++
			return nil
		}
		files++
		if check(t, path, string(src), testFuncs) {
			fast++
		} else {
			t.Logf("declined: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fast path took %d of %d templates (%d fail to parse either way)", fast, files, failing)
	if files == 0 || fast*100 < files*98 {
		t.Fatalf("fast path took %d of %d templates, want at least 98%%", fast, files)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"{{ .Values.x | default \"a\" | quote }}",
		"{{- if .a }}\n  {{- range $k, $v := .b }}{{ $k }}: {{ $v }}{{ end }}\n{{- else if .c -}} x {{ end }}",
		`{{ define "x" }}{{ include "y" . | nindent 2 }}{{ end }}`,
		"{{ with $x := (index . \"a\").b }}{{ $x.c }}{{ else with .d }}{{ end }}",
		"a {{/* c */}} b {{- /* d */ -}} e",
		"{{ add 1 -2 3.5 0x1F 1e3 }}{{ printf `%s` \"q\\\"\" }}",
		`{{ template "t" . }}{{ $ := 1 }}{{ $.x }}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		check(t, "fuzz", text, testFuncs)
	})
}

// BenchmarkParse parses every template of kube-prometheus-stack, the
// largest chart in the corpus, with each parser.
func BenchmarkParse(b *testing.B) {
	root := filepath.Join("..", "..", "..", "shared", "corpus", "charts", "kube-prometheus-stack")
	var texts []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(filepath.ToSlash(path), "/templates/") {
			if src, err := os.ReadFile(path); err == nil {
				texts = append(texts, string(src))
			}
		}
		return nil
	})
	if len(texts) == 0 {
		b.Skip("corpus not found")
	}
	for _, impl := range []struct {
		name  string
		parse func(text string) (map[string]*parse.Tree, error)
	}{
		{"stdlib", func(text string) (map[string]*parse.Tree, error) { return parse.Parse("t", text, "", "", testFuncs) }},
		{"kpkg", func(text string) (map[string]*parse.Tree, error) { return Parse("t", text, testFuncs) }},
	} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, text := range texts {
					if _, err := impl.parse(text); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
