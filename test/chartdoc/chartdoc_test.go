package chartdoc

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// update is the conventional golden-file flag: `go test ./test/chartdoc
// -update` rewrites the charts' READMEs instead of failing. It has to be a
// package-level variable because flags are registered before tests run.
var update = flag.Bool("update", false, "rewrite the values tables of charts/*/README.md")

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Value
		wantErr string
	}{
		{
			name: "scalars of every type",
			in: `# A string.
s: hello
# An int.
i: 3
# A float.
f: 1.5
# A bool.
b: true
# A null.
n: null
# An empty string.
e: ""
`,
			want: []Value{
				{Key: "s", Type: "string", Default: `"hello"`, Description: "A string."},
				{Key: "i", Type: "int", Default: "3", Description: "An int."},
				{Key: "f", Type: "float", Default: "1.5", Description: "A float."},
				{Key: "b", Type: "bool", Default: "true", Description: "A bool."},
				{Key: "n", Type: "null", Default: "null", Description: "A null."},
				{Key: "e", Type: "string", Default: `""`, Description: "An empty string."},
			},
		},
		{
			name: "section with commented keys is walked, its own comment dropped",
			in: `# The image.
image:
  # Repository.
  repository: nginx
  # Tag.
  tag: ""
`,
			want: []Value{
				{Key: "image.repository", Type: "string", Default: `"nginx"`, Description: "Repository."},
				{Key: "image.tag", Type: "string", Default: `""`, Description: "Tag."},
			},
		},
		{
			name: "map without commented keys is one value, keys sorted",
			in: `# Resources.
resources:
  requests:
    memory: 1Gi
    cpu: 1
# Empty map.
affinity: {}
# A list.
modes:
  - ReadWriteOnce
`,
			want: []Value{
				{Key: "resources", Type: "object", Default: `{"requests":{"cpu":1,"memory":"1Gi"}}`, Description: "Resources."},
				{Key: "affinity", Type: "object", Default: "{}", Description: "Empty map."},
				{Key: "modes", Type: "list", Default: `["ReadWriteOnce"]`, Description: "A list."},
			},
		},
		{
			name: "multi-line comment is joined, earlier paragraphs and file header dropped",
			in: `# File header.

# Section heading.

# First line
# second line.
a: 1
`,
			want: []Value{{Key: "a", Type: "int", Default: "1", Description: "First line second line."}},
		},
		{
			name: "trailing comment documents a key",
			in:   "a: 1 # One.\n",
			want: []Value{{Key: "a", Type: "int", Default: "1", Description: "One."}},
		},
		{
			name: "keys with dots are quoted, HTML is not escaped",
			in: `annotations:
  # An annotation.
  example.com/a: "<x>"
`,
			want: []Value{{Key: `annotations."example.com/a"`, Type: "string", Default: `"<x>"`, Description: "An annotation."}},
		},
		{
			name: "aliases document their target's value",
			in: `# Base.
base: &b {x: 1}
# Copy.
copy: *b
`,
			want: []Value{
				{Key: "base", Type: "object", Default: `{"x":1}`, Description: "Base."},
				{Key: "copy", Type: "object", Default: `{"x":1}`, Description: "Copy."},
			},
		},
		{
			name: "empty file",
			in:   "",
		},
		{
			name: "every undocumented key is reported",
			in: `# Documented.
a: 1
b: 2
c:
  # Documented.
  d: 3
  e: 4
`,
			wantErr: "values without a comment above them: b, c.e",
		},
		{
			name:    "not a mapping",
			in:      "- a\n",
			wantErr: "not a mapping",
		},
		{
			name:    "invalid YAML",
			in:      "a: [\n",
			wantErr: "parse values",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse() error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse() error = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse() =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestTable(t *testing.T) {
	tests := []struct {
		name string
		in   []Value
		want string
	}{
		{
			name: "header only",
			want: "| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n",
		},
		{
			name: "placeholders in descriptions are escaped, not in code",
			in:   []Value{{Key: "a", Type: "string", Default: `"<x>"`, Description: "Empty means <x>."}},
			want: "| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n" +
				"| `a` | string | `\"<x>\"` | Empty means &lt;x>. |\n",
		},
		{
			name: "pipes are escaped, backticks get a longer fence",
			in: []Value{
				{Key: "a", Type: "string", Default: `"x|y"`, Description: "Either | or."},
				{Key: "b", Type: "string", Default: "\"`cmd`\"", Description: "Quoted."},
			},
			want: "| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n" +
				"| `a` | string | `\"x\\|y\"` | Either \\| or. |\n" +
				"| `b` | string | ``\"`cmd`\"`` | Quoted. |\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Table(tt.in); got != tt.want {
				t.Errorf("Table() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestSplice(t *testing.T) {
	const table = "| T |\n"
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr string
	}{
		{
			name: "replaces old content",
			in:   "# X\n\n" + StartMarker + "\nold\nrows\n" + EndMarker + "\n\nafter\n",
			want: "# X\n\n" + StartMarker + "\n| T |\n" + EndMarker + "\n\nafter\n",
		},
		{
			name: "fills adjacent markers",
			in:   StartMarker + EndMarker,
			want: StartMarker + "\n| T |\n" + EndMarker,
		},
		{name: "no start marker", in: EndMarker, wantErr: "missing " + StartMarker},
		{name: "no end marker", in: StartMarker, wantErr: "missing " + EndMarker},
		{name: "markers reversed", in: EndMarker + StartMarker, wantErr: "comes before"},
		{name: "markers repeated", in: StartMarker + EndMarker + StartMarker + EndMarker, wantErr: "more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Splice([]byte(tt.in), table)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Splice() error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Splice() error = %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Splice() = %q, want %q", got, tt.want)
			}
			// Splicing is idempotent, which is what lets -update run any number of times.
			again, err := Splice(got, table)
			if err != nil || string(again) != string(got) {
				t.Errorf("second Splice() = %q, %v; want %q", again, err, got)
			}
		})
	}
}

// TestChartReadmes fails when the values table in a chart's README.md no
// longer matches its values.yaml. Run with -update to regenerate the tables.
func TestChartReadmes(t *testing.T) {
	charts, err := filepath.Glob(filepath.Join("..", "..", "charts", "*", "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) == 0 {
		t.Fatal("no charts found under charts/")
	}
	for _, chartFile := range charts {
		dir := filepath.Dir(chartFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			values, err := os.ReadFile(filepath.Join(dir, "values.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			readmePath := filepath.Join(dir, "README.md")
			readme, err := os.ReadFile(readmePath)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Readme(readme, values)
			if err != nil {
				t.Fatalf("%s: %v", dir, err)
			}
			if string(want) == string(readme) {
				return
			}
			if *update {
				if err := os.WriteFile(readmePath, want, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Errorf("%s is out of date with values.yaml; run: go test ./test/chartdoc -update", readmePath)
		})
	}
}
