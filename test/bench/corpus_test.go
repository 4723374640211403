package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
	"github.com/kpkg/kpkg/pkg/values"
	"github.com/kpkg/kpkg/test/compat"
)

func corpusDir(tb testing.TB) string {
	dir := os.Getenv("KPKG_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "cases.tsv")); err != nil {
		tb.Skipf("corpus not found at %s (set KPKG_CORPUS)", dir)
	}
	return dir
}

// heavyCases are the corpus cases with the most rendering work: the five
// Helm itself takes longest on (kube-prometheus-stack ci-06, which runs
// fromYaml over 4.4 MB of CRDs, ci-03, --include-crds and ci-04, and
// opentelemetry-operator with cert-manager off, which generates RSA keys),
// and the heaviest case of each other large chart family.
var heavyCases = []string{
	"kube-prometheus-stack--include-crds",
	"kube-prometheus-stack--ci-06-upgrade-crds-values",
	"kube-prometheus-stack--ci-03-non-defaults-values",
	"kube-prometheus-stack--ci-04-prometheus-operator-webhook-values",
	"opentelemetry-operator--ci-cert-manager-disable-nameoverride-values",
	"opentelemetry-kube-stack--include-crds",
	"opentelemetry-operator--ci-manager-config-values",
	"keda--default",
	"thanos--default",
	"rabbitmq--default",
}

// renderInput is one corpus case ready to render in-process.
type renderInput struct {
	id          string
	chartDir    string
	valueFiles  []string
	includeCRDs bool
	golden      string
	masked      map[int]bool
}

func loadInput(tb testing.TB, id string) renderInput {
	corpus := corpusDir(tb)
	cases, err := compat.ReadCases(filepath.Join(corpus, "cases.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	masks, err := compat.ReadNondeterministic(filepath.Join(corpus, "nondeterministic.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range cases {
		if c.ID != id {
			continue
		}
		golden, err := os.ReadFile(filepath.Join(corpus, "golden", id+".yaml"))
		if err != nil {
			tb.Fatal(err)
		}
		in := renderInput{id: id, chartDir: filepath.Join(corpus, c.ChartDir), golden: string(golden), masked: masks[id]}
		for _, f := range c.ValuesFiles {
			in.valueFiles = append(in.valueFiles, filepath.Join(in.chartDir, f))
		}
		for _, a := range c.ExtraArgs {
			in.includeCRDs = in.includeCRDs || a == "--include-crds"
		}
		return in
	}
	tb.Fatalf("case %s not in corpus", id)
	return renderInput{}
}

// kpkgTemplate is `kpkg template` in-process: load, merge values, render and
// produce the output stream.
func kpkgTemplate(tb testing.TB, in renderInput) string {
	c, err := chart.Load(in.chartDir)
	if err != nil {
		tb.Fatal(err)
	}
	vals, err := values.Options{Files: in.valueFiles}.Merge(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	res, err := render.Render(context.Background(), c, vals, render.Options{Release: render.Release{Name: "rel", Namespace: "corpus"}})
	if err != nil {
		tb.Fatal(err)
	}
	return res.Stream(render.WriteOptions{IncludeCRDs: in.includeCRDs})
}

// requireGolden fails unless out equals the case's golden (random lines masked).
func requireGolden(tb testing.TB, in renderInput, who, out string) {
	if diff := compat.FirstDifference(in.golden, out, in.masked); diff != "" {
		tb.Fatalf("%s output for %s differs from the golden: %s", who, in.id, diff)
	}
}
