package repo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	helmrepo "helm.sh/helm/v3/pkg/repo"
	"sigs.k8s.io/yaml"
)

// helmLoad is Helm v3.22's repo.LoadIndexFile on doc.
func helmLoad(t testing.TB, doc []byte) (*helmrepo.IndexFile, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "index.yaml")
	if err := os.WriteFile(p, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	return helmrepo.LoadIndexFile(p)
}

const oneEntry = "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    urls: [a-1.0.0.tgz]\n"

// verdictCases are indexes the security review found kpkg read otherwise
// than Helm, and their neighbours. Each must be accepted or refused as Helm
// does, and when accepted hold what Helm reads.
var verdictCases = []struct{ name, doc string }{
	{"plain", oneEntry},
	{"YAML 1.1 boolean as a chart key", "apiVersion: v1\nentries:\n  y:\n  - name: y\n    version: 1.0.0\n"},
	{"YAML 1.1 boolean as a chart key, quoted name", "apiVersion: v1\nentries:\n  y:\n  - name: \"y\"\n    version: 1.0.0\n"},
	{"YAML 1.1 boolean as a field", oneEntry + "    y: 1\n"},
	{"duplicate chart keys", oneEntry + "  a:\n  - name: a\n    version: 2.0.0\n"},
	{"duplicate chart keys, quoted", oneEntry + "  \"a\":\n  - name: a\n    version: 2.0.0\n"},
	{"duplicate fields", oneEntry + "    version: 1.0.1\n"},
	{"duplicate fields differing in case", oneEntry + "    Version: 1.0.1\n"},
	{"field in another case", "apiVersion: v1\nentries:\n  a:\n  - NAME: a\n    Version: 1.0.0\n"},
	{"version as a number", "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1\n"},
	{"version as a float", "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.5\n"},
	{"key 00", "apiVersion: v1\nentries:\n  00:\n  - name: \"00\"\n    version: 1.0.0\n"},
	{"keys 00 and 0", "apiVersion: v1\nentries:\n  00:\n  - name: \"00\"\n    version: 1.0.0\n  0:\n  - name: \"0\"\n    version: 1.0.0\n"},
	{"key 0x1", "apiVersion: v1\nentries:\n  0x1:\n  - name: a\n    version: 1.0.0\n"},
	{"unknown field", oneEntry + "    bogus: 1\n"},
	{"unknown top-level field", "foo: bar\n" + oneEntry},
	{"duplicate top-level field", "apiVersion: v1\n" + oneEntry},
	{"null version", "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: null\n"},
	{"null entry list", "apiVersion: v1\nentries:\n  a:\n  b:\n  - name: b\n    version: 1.0.0\n"},
	{"entry list is a map", "apiVersion: v1\nentries:\n  a:\n    name: a\n"},
	{"urls as a string", "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    urls: a.tgz\n"},
	{"urls with a number", "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    urls: [1]\n"},
	{"urls with null", "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    urls: [~, a.tgz]\n"},
	{"created as a date", oneEntry + "    created: 2024-01-02\n"},
	{"created as a timestamp", oneEntry + "    created: 2024-01-02T03:04:05Z\n"},
	{"created quoted", oneEntry + "    created: \"2024-01-02T03:04:05.5+01:00\"\n"},
	{"created not a time", oneEntry + "    created: yesterday\n"},
	{"deprecated as yes", oneEntry + "    deprecated: yes\n"},
	{"deprecated as a string", oneEntry + "    deprecated: \"true\"\n"},
	{"annotations with a number", oneEntry + "    annotations:\n      a: 1\n"},
	{"annotations with null", oneEntry + "    annotations:\n      a: null\n"},
	{"maintainer with an unknown field", oneEntry + "    maintainers:\n    - name: x\n      phone: 1\n"},
	{"maintainer null", oneEntry + "    maintainers:\n    - null\n"},
	{"maintainer without a name", oneEntry + "    maintainers:\n    - email: x@example.com\n"},
	{"dependency with import-values", oneEntry + "    dependencies:\n    - name: d\n      import-values: [a, {child: b, parent: c}, 1]\n"},
	{"dependency with an unknown field", oneEntry + "    dependencies:\n    - name: d\n      bogus: x\n"},
	{"dependency enabled as a string", oneEntry + "    dependencies:\n    - name: d\n      enabled: \"no\"\n"},
	{"duplicate dependencies kept", oneEntry + "    dependencies:\n    - name: d\n    - name: d\n"},
	{"dependency without a name", oneEntry + "    dependencies:\n    - version: 1.0.0\n"},
	{"bad alias", oneEntry + "    dependencies:\n    - name: d\n      alias: a.b\n"},
	{"name with a backslash", "apiVersion: v1\nentries:\n  a:\n  - name: a\\b\n    version: 1.0.0\n"},
	{"json with unknown fields", `{"apiVersion":"v1","entries":{"a":[{"name":"a","version":"1.0.0","bogus":1}]},"x":1}`},
	{"json with a number version", `{"apiVersion":"v1","entries":{"a":[{"name":"a","version":1}]}}`},
	{"json array", `[1,2]`},
	{"json null", `null`},
	{"byte-order mark", "\ufeff" + oneEntry},
	{"anchors", "apiVersion: v1\nentries:\n  a:\n  - &v\n    name: a\n    version: 1.0.0\n  b:\n  - *v\n"},
	{"merge key", "apiVersion: v1\nentries:\n  a:\n  - &v\n    name: a\n    version: 1.0.0\n  b:\n  - <<: *v\n    name: b\n"},
	{"tab", "apiVersion: v1\nentries:\n  a:\n  - name:\ta\n    version: 1.0.0\n"},
	{"flow entries", "apiVersion: v1\nentries: {a: [{name: a, version: 1.0.0}], a: []}\n"},
}

func TestParseIndexVerdictMatchesHelm(t *testing.T) {
	for _, tc := range verdictCases {
		t.Run(tc.name, func(t *testing.T) {
			compareWithHelm(t, []byte(tc.doc))
		})
	}
}

// compareWithHelm fails unless kpkg and Helm both refuse doc or both read
// the same charts from it.
func compareWithHelm(t testing.TB, doc []byte) {
	t.Helper()
	want, herr := helmLoad(t, doc)
	got, kerr := ParseIndex(doc, IndexLoadOptions{})
	if (herr == nil) != (kerr == nil) {
		t.Fatalf("verdicts differ on %q:\nhelm: %v\nkpkg: %v", doc, herr, kerr)
	}
	if herr != nil {
		return
	}
	if a, b := summarize(got), summarizeHelm(want); a != b {
		t.Errorf("kpkg and Helm read %q differently:\nkpkg:\n%s\nhelm:\n%s", doc, a, b)
	}
}

// TestParseLargeIndexMatchesHelm: a generated index in Helm's layout loads
// through the fast path to exactly what Helm reads.
func TestParseLargeIndexMatchesHelm(t *testing.T) {
	p := filepath.Join(t.TempDir(), "index.yaml")
	writeBigIndex(t, p, 2<<20)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	head, chunks, ok := splitIndex(data)
	if !ok {
		t.Fatal("the generated index is not split")
	}
	if err := yaml.UnmarshalStrict(head, &IndexFile{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := decodeChunks(chunks); !ok {
		t.Fatal("the generated index leaves the fast path")
	}
	compareWithHelm(t, data)
	if !strings.Contains(string(data), "created:") {
		t.Fatal("no created fields to compare")
	}
}
