package values_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chartutil"
	helmvalues "helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"

	"github.com/kpkg/kpkg/pkg/internal/fuzzcheck"
	"github.com/kpkg/kpkg/pkg/values"
)

// seedValues are values files from the repository's charts and the shared
// corpus (at most 16 KB each, to keep iterations fast).
func seedValues(f *testing.F) [][]byte {
	var out [][]byte
	dirs := append([]string{"../../charts/todo-app", "../../testdata/repo/demo", "../render/testdata/charts/umbrella"},
		fuzzcheck.CorpusCharts("pkg/values", 0)...)
	for _, d := range dirs {
		if data, err := os.ReadFile(filepath.Join(d, "values.yaml")); err == nil && len(data) <= 16<<10 {
			out = append(out, data)
		}
	}
	return out
}

// FuzzValuesFile reads a values file as -f does: kpkg must accept exactly
// what Helm's values.Options.MergeValues (sigs.k8s.io/yaml into a map)
// accepts and read the same values, at a cost proportional to the file.
func FuzzValuesFile(f *testing.F) {
	for _, data := range seedValues(f) {
		f.Add(data)
	}
	for _, s := range []string{"", "null\n", "a: [1, {b: c}]\n", "- a\n", "a: &x 1\nb: *x\n", "a: " + "[[[[[[[[", "x: 1\nx: 2\n", "y: n\n00: 0o7\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "values.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		var err error
		fuzzcheck.Within(t, 10*time.Second, func() {
			fuzzcheck.Bounded(t, len(data), 512, 8<<20, func() {
				got, err = values.Options{Files: []string{p}}.Merge(context.Background())
			})
		})
		want, herr := (&helmvalues.Options{ValueFiles: []string{p}}).MergeValues(getter.Providers{})
		if (err == nil) != (herr == nil) {
			t.Fatalf("verdicts differ:\nkpkg: %v\nhelm: %v", err, herr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("values differ:\nkpkg: %#v\nhelm: %#v", got, want)
		}
		// chartutil.ReadValues reads a chart's values.yaml the same way.
		if _, cerr := chartutil.ReadValues(data); (cerr == nil) != (herr == nil) {
			t.Fatalf("chartutil.ReadValues disagrees with MergeValues: %v / %v", cerr, herr)
		}
	})
}

// FuzzSetFlags applies one entry of each of --set-json, --set,
// --set-string and --set-literal, in Helm's order, over a values file:
// kpkg must agree with Helm's MergeValues (strvals) on the verdict and the
// values.
func FuzzSetFlags(f *testing.F) {
	f.Add("a: {b: 1}\n", `c={"d":[1,2]}`, "a.b=2,list[1]=x", "s=007", "lit=a,b={c}")
	f.Add("", `x`, `name={a,b}`, `a\.b=1`, `k=v`)
	f.Add("x: 1\n", `a=[1,2`, `a[2]=1,a[0].b=c`, `a=null`, `x.y=`)
	f.Add("", `a={}`, `outer.inner=1,outer=2`, `list[99999]=1`, `a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee.ff=1`)
	f.Fuzz(func(t *testing.T, file, setJSON, set, setString, setLiteral string) {
		p := filepath.Join(t.TempDir(), "values.yaml")
		if err := os.WriteFile(p, []byte(file), 0o644); err != nil {
			t.Fatal(err)
		}
		opts := values.Options{Files: []string{p}, JSON: []string{setJSON}, Set: []string{set}, String: []string{setString}, Literal: []string{setLiteral}}
		var got map[string]any
		var err error
		size := len(file) + len(setJSON) + len(set) + len(setString) + len(setLiteral)
		fuzzcheck.Within(t, 10*time.Second, func() {
			fuzzcheck.Bounded(t, size, 4096, 8<<20, func() { got, err = opts.Merge(context.Background()) })
		})
		want, herr := (&helmvalues.Options{ValueFiles: []string{p}, JSONValues: opts.JSON, Values: opts.Set,
			StringValues: opts.String, LiteralValues: opts.Literal}).MergeValues(getter.Providers{})
		if (err == nil) != (herr == nil) {
			t.Fatalf("verdicts differ:\nkpkg: %v\nhelm: %v", err, herr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("values differ:\nkpkg: %#v\nhelm: %#v", got, want)
		}
	})
}
