package repo

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	helmrepo "helm.sh/helm/v3/pkg/repo"
)

// indexCases cover the layouts index generators write; each must load to
// what Helm's repo.LoadIndexFile gives.
var indexCases = []struct {
	name     string
	doc      string
	fastPath bool
}{
	{"helm layout", `apiVersion: v1
entries:
  alpine:
  - apiVersion: v2
    created: "2024-01-02T03:04:05.123456789Z"
    description: Deploy a basic Alpine Linux pod, with a description long enough
      to be folded over two lines.
    digest: 515c58e5f79d8b2913a10cb400ebb6fa9c77fe813287afbacf1a0b897cd78727
    keywords: [linux, alpine]
    name: alpine
    urls:
    - https://charts.example.com/alpine-0.2.0.tgz
    version: 0.2.0
  - apiVersion: v2
    name: alpine
    version: 0.10.0
    urls: [alpine-0.10.0.tgz]
    annotations:
      category: "OS"
  # a comment between charts
  nginx:
  - name: nginx
    version: 1.0.0-rc.1
    appVersion: "1.25"
    description: |
      Multi-line
      block scalar.
    urls: ["nginx-1.0.0-rc.1.tgz"]
    dependencies:
    - name: common
      version: 2.x.x
      repository: oci://example.com/charts
      import-values: [defaults]
generated: "2024-01-02T03:04:05Z"
serverInfo:
  contextPath: /charts
`, true},
	{"json", `{"apiVersion":"v1","entries":{"a":[{"name":"a","version":"1.0.0","urls":["a-1.0.0.tgz"]},{"name":"a","version":"1.2.0","urls":["a-1.2.0.tgz"]}]}}`, false},
	{"flow entries", "apiVersion: v1\nentries: {a: [{name: a, version: 1.0.0}]}\n", false},
	{"indented sequences", "apiVersion: v1\nentries:\n    a:\n        - name: a\n          version: 1.0.0\n          urls:\n              - a.tgz\n", true},
	{"invalid entries skipped", "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: not-semver\n  - name: a\n    version: 1.0.0\n  -\n  b: []\n", false},
	{"anchors across charts", "apiVersion: v1\nentries:\n  a:\n  - &v {name: a, version: 1.0.0}\n  b:\n  - *v\n", true},
}

func TestParseIndexMatchesHelm(t *testing.T) {
	for _, tc := range indexCases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "index.yaml")
			if err := os.WriteFile(p, []byte(tc.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			want, err := helmrepo.LoadIndexFile(p)
			if err != nil {
				t.Fatalf("helm: %v", err)
			}
			got, err := LoadIndexFile(p, IndexLoadOptions{})
			if err != nil {
				t.Fatalf("kpkg: %v", err)
			}
			if a, b := summarize(got), summarizeHelm(want); a != b {
				t.Errorf("kpkg and Helm read the index differently:\nkpkg:\n%s\nhelm:\n%s", a, b)
			}
			if _, _, ok := splitIndex([]byte(tc.doc)); ok != tc.fastPath {
				t.Errorf("split fast path = %v, want %v", ok, tc.fastPath)
			}
		})
	}
}

func summarize(idx *IndexFile) string {
	var b strings.Builder
	for _, name := range sortedKeys(idx.Entries) {
		for _, v := range idx.Entries[name] {
			b.WriteString(strings.Join([]string{name, v.Name, v.Version, v.AppVersion, v.Description, strings.Join(v.URLs, ","), v.Digest, v.Created.String(), strings.Join(v.Keywords, ","), v.Annotations["category"]}, "|"))
			for _, d := range v.Dependencies {
				b.WriteString("|dep:" + d.Name + "@" + d.Version + "@" + d.Repository)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// summarizeHelm reads Helm's index through its JSON form into kpkg's types
// (the JSON names are the same) and summarizes that.
func summarizeHelm(idx *helmrepo.IndexFile) string {
	data, err := json.Marshal(idx)
	if err != nil {
		return err.Error()
	}
	var ours IndexFile
	if err := json.Unmarshal(data, &ours); err != nil {
		return err.Error()
	}
	return summarize(&ours)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func TestParseIndexErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"empty", "  \n", "index is empty"},
		{"truncated", "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: \"1.0", "not a valid chart repository index"},
		{"not yaml", "<html>404</html>\n", "not a valid chart repository index"},
		{"no apiVersion", "entries: {}\n", "no apiVersion"},
		{"entries is a list", "apiVersion: v1\nentries:\n  - a\n", "not a valid chart repository index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIndex([]byte(tt.doc), IndexLoadOptions{Source: `repository "r"`})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `repository "r"`) {
				t.Errorf("err = %v, want %q naming the repository", err, tt.want)
			}
		})
	}
}

func TestIndexGet(t *testing.T) {
	idx, err := ParseIndex([]byte(indexCases[0].doc), IndexLoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, constraint string
		devel            bool
		want, wantErr    string
	}{
		{"alpine", "", false, "0.10.0", ""},
		{"alpine", "<0.10", false, "0.2.0", ""},
		{"alpine", "0.2.0", false, "0.2.0", ""},
		{"nginx", "", false, "", "no stable version"},
		{"nginx", "", true, "1.0.0-rc.1", ""},
		{"nginx", ">=1.0.0-0", false, "1.0.0-rc.1", ""},
		{"alpine", "9.x", false, "", `no version matching "9.x"`},
		{"alpine", "not a constraint", false, "", "not a valid SemVer constraint"},
		{"missing", "", false, "", "no chart name found"},
	}
	for _, tt := range tests {
		v, err := idx.Get(tt.name, tt.constraint, tt.devel)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Get(%s, %q) err = %v, want %q", tt.name, tt.constraint, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("Get(%s, %q): %v", tt.name, tt.constraint, err)
		case v.Version != tt.want:
			t.Errorf("Get(%s, %q) = %s, want %s", tt.name, tt.constraint, v.Version, tt.want)
		}
	}
}

// TestIndexWriteMatchesHelm writes an index of the demo chart and checks
// that Helm reads it back identically.
func TestIndexWriteMatchesHelm(t *testing.T) {
	p := filepath.Join(t.TempDir(), "index.yaml")
	idx, err := ParseIndex([]byte(indexCases[0].doc), IndexLoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, asJSON := range []bool{false, true} {
		if err := idx.WriteFile(p, asJSON); err != nil {
			t.Fatal(err)
		}
		h, err := helmrepo.LoadIndexFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := summarize(idx), summarizeHelm(h); a != b {
			t.Errorf("json=%v: Helm reads the written index differently:\n%s\n%s", asJSON, a, b)
		}
	}
}
