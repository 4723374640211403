package bench

import (
	"fmt"
	"io"
	"log"
	"runtime"
	"strings"
	"sync"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	helmvalues "helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"
	"helm.sh/helm/v3/pkg/release"

	"github.com/kpkg/kpkg/pkg/render"
)

var quietHelm sync.Once

// helmTemplate is `helm template` in-process through Helm's own library, with
// the capabilities of a Helm v3.22.0 release build.
func helmTemplate(tb testing.TB, chartDir string, valueFiles []string, includeCRDs bool) string {
	rel := helmRelease(tb, chartDir, valueFiles, includeCRDs)
	var b strings.Builder
	fmt.Fprintln(&b, strings.TrimSpace(rel.Manifest))
	for _, h := range rel.Hooks {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	return b.String()
}

// helmRelease is the release a client-only `helm install --dry-run` builds.
func helmRelease(tb testing.TB, chartDir string, valueFiles []string, includeCRDs bool) *release.Release {
	quietHelm.Do(func() {
		log.SetOutput(io.Discard) // Helm logs warnings through the standard logger
		chartutil.DefaultCapabilities.HelmVersion.Version = render.HelmCompatVersion
		chartutil.DefaultCapabilities.HelmVersion.GitTreeState = "clean"
		chartutil.DefaultCapabilities.HelmVersion.GoVersion = runtime.Version()
	})
	ch, err := loader.Load(chartDir)
	if err != nil {
		tb.Fatal(err)
	}
	vals, err := (&helmvalues.Options{ValueFiles: valueFiles}).MergeValues(getter.Providers{})
	if err != nil {
		tb.Fatal(err)
	}
	install := action.NewInstall(&action.Configuration{Log: func(string, ...interface{}) {}})
	install.DryRun = true
	install.DryRunOption = "true"
	install.ReleaseName = "rel"
	install.Namespace = "corpus"
	install.Replace = true
	install.ClientOnly = true
	install.IncludeCRDs = includeCRDs
	kv, err := chartutil.ParseKubeVersion(render.DefaultKubeVersion)
	if err != nil {
		tb.Fatal(err)
	}
	install.KubeVersion = kv
	rel, err := install.Run(ch, vals)
	if err != nil {
		tb.Fatal(err)
	}
	return rel
}
