package tplparse

import (
	"strings"
	"testing"
	"text/template"
	"text/template/parse"
)

// TestExecutionErrorsMatch runs the same failing templates on trees from
// both parsers. Execution errors name the file, line and column of the
// failing node; text/template reads them through the executing tree, which
// is why the fast parser's nodes need no pointer back to their tree.
func TestExecutionErrorsMatch(t *testing.T) {
	const file = "chart/templates/a.yaml"
	text := "a: 1\n{{- define \"inner\" }}\n  x: {{ index .list 5 }}\n{{- end }}\nb: {{ template \"inner\" . }}\n"
	data := map[string]any{"list": []int{1}}
	run := func(trees map[string]*parse.Tree) string {
		root := template.New("root")
		for name, tree := range trees {
			if _, err := root.AddParseTree(name, tree); err != nil {
				t.Fatal(err)
			}
		}
		var out strings.Builder
		err := root.ExecuteTemplate(&out, file, data)
		if err == nil {
			t.Fatal("template did not fail")
		}
		return err.Error()
	}
	fast, ok := parseFast(file, text, []map[string]any{testFuncs})
	if !ok {
		t.Fatal("fast parser declined")
	}
	std, err := parse.Parse(file, text, "", "", testFuncs)
	if err != nil {
		t.Fatal(err)
	}
	got, want := run(fast), run(std)
	if got != want {
		t.Fatalf("error %q, want %q", got, want)
	}
	if !strings.Contains(want, file+":3:") {
		t.Fatalf("error %q does not name line 3 of %s", want, file)
	}
}
