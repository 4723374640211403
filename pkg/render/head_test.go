package render

import (
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"
)

var headSeeds = []string{
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: 5\n",
	"Kind: Deployment\nkind: Service\n",
	"KIND: Job\n",
	"kind: 5\nmetadata: {name: 1.50, annotations: {w: 5.0, b: true, n: null}}\n",
	"metadata: null\n",
	"# only a comment\n",
	"- a\n- b\n",
	"just a string\n",
	"kind: [a]\n",
	"metadata: [x]\n",
	"metadata: {annotations: {a: {b: c}}}\n",
	"? [a, b]\n: c\n",
	"a: {? [x]: y}\n",
	"kind: Service\nkind: Deployment\n",
	"apiVersion: v1\nkind: ConfigMap\ndata:\n  x: |\n    multi\n    line\n",
	"kind: &k Service\nother: *k\n",
	"<<: {kind: Merged}\n",
	"kind: !!str 10\n",
	"a: !!binary notbase64!\n",
	"kind: x\n\tbad: tab\n",
	"metadata:\n  name: x\n  annotations: 5\n",
	"1: one\ntrue: t\n1.5: f\n",
}

func TestDecodeHeadMatchesSigsYAML(t *testing.T) {
	for _, s := range headSeeds {
		compareHeads(t, s)
	}
}

func compareHeads(t *testing.T, doc string) {
	t.Helper()
	var want Head
	wantErr := yaml.Unmarshal([]byte(doc), &want)
	got, gotErr := decodeHead(doc)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("doc %q: sigs error %v, decodeHead error %v", doc, wantErr, gotErr)
	}
	if wantErr != nil {
		return
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("doc %q:\nsigs       %+v %+v\ndecodeHead %+v %+v", doc, want, want.Metadata, got, got.Metadata)
	}
}

func FuzzDecodeHead(f *testing.F) {
	for _, s := range headSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		compareHeads(t, doc)
	})
}
