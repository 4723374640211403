package render_test

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/kpkg/kpkg/pkg/render"
)

// helmTemplate renders a case with Helm's own library the way `helm template`
// does, with the capabilities of a Helm v3.22.0 release build.
func helmTemplate(t *testing.T, rc renderCase) (string, error) {
	t.Helper()
	chartutil.DefaultCapabilities.HelmVersion.Version = render.HelmCompatVersion
	chartutil.DefaultCapabilities.HelmVersion.GitTreeState = "clean"
	chartutil.DefaultCapabilities.HelmVersion.GoVersion = runtime.Version()

	ch, err := loader.Load(rc.chartDir())
	if err != nil {
		t.Fatalf("helm load: %v", err)
	}
	install := action.NewInstall(&action.Configuration{Log: func(string, ...interface{}) {}})
	install.DryRun = true
	install.DryRunOption = "true"
	install.ReleaseName = rc.release
	install.Namespace = rc.namespace
	install.Replace = true
	install.ClientOnly = true
	install.IncludeCRDs = rc.includeCRDs
	install.IsUpgrade = rc.isUpgrade
	kv, err := chartutil.ParseKubeVersion(render.DefaultKubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	install.KubeVersion = kv
	rel, err := install.Run(ch, rc.userValues(t))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintln(&b, strings.TrimSpace(rel.Manifest))
	for _, h := range rel.Hooks {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	return b.String(), nil
}

// TestRenderMatchesHelmLibrary renders every case with kpkg and with Helm's
// library and requires the same bytes (or the same error).
func TestRenderMatchesHelmLibrary(t *testing.T) {
	log := captureStdLog(t)
	defer log()
	for _, rc := range renderCases {
		t.Run(rc.name, func(t *testing.T) {
			want, helmErr := helmTemplate(t, rc)
			got, err := kpkgRender(t, rc)
			if (helmErr == nil) != (err == nil) {
				t.Fatalf("helm error = %v, kpkg error = %v", helmErr, err)
			}
			if err != nil {
				if firstLine(helmErr.Error()) != firstLine(err.Error()) {
					t.Errorf("first error line differs:\nhelm: %s\nkpkg: %s", firstLine(helmErr.Error()), firstLine(err.Error()))
				}
				return
			}
			if diff := lineDiff(want, got); diff != "" {
				t.Errorf("kpkg differs from Helm (-helm +kpkg):\n%s", diff)
			}
		})
	}
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// captureStdLog silences Helm's log.Printf warnings during the test.
func captureStdLog(t *testing.T) func() {
	t.Helper()
	prev := stdLogOutput()
	setStdLogOutput(io.Discard)
	return func() { setStdLogOutput(prev) }
}
