package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/strvals"
)

// TestCreateLintTemplate proves what 'kpkg create' promises, through the
// real commands: the new chart passes 'kpkg lint --strict' (and Helm's own
// lint --strict) and renders with 'kpkg template', with defaults and with
// every optional part switched on.
func TestCreateLintTemplate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "charts", "web")
	out, errOut, code := runKpkgCLI(t, "create", dir)
	if code != 0 || out != "" || !strings.Contains(errOut, "Creating "+dir) {
		t.Fatalf("create: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	every := []string{
		"--set", "ingress.enabled=true", "--set", "httpRoute.enabled=true", "--set", "autoscaling.enabled=true",
		"--set", "autoscaling.targetMemoryUtilizationPercentage=75", "--set", "serviceAccount.create=false",
		"--set", "ingress.tls[0].secretName=web-tls", "--set", "ingress.tls[0].hosts[0]=web.example.local",
		"--set", "podLabels.tier=web", "--set", "service.type=LoadBalancer",
	}
	for _, tt := range []struct {
		name  string
		flags []string
		kinds []string
	}{
		{"defaults", nil, []string{"ServiceAccount", "Service", "Deployment", "Pod"}},
		{"every-option", every, []string{"Service", "Deployment", "HorizontalPodAutoscaler", "Ingress", "HTTPRoute", "Pod"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runKpkgCLI(t, append([]string{"lint", "--strict", dir}, tt.flags...)...)
			if code != 0 || strings.Contains(out, "[WARNING]") || strings.Contains(out, "[ERROR]") || !strings.HasSuffix(out, "1 chart(s) linted, 0 chart(s) failed\n") {
				t.Errorf("lint --strict: exit %d\n%s%s", code, out, errOut)
			}
			out, errOut, code = runKpkgCLI(t, append([]string{"template", "web", dir, "--namespace", "shop"}, tt.flags...)...)
			if code != 0 || errOut != "" {
				t.Fatalf("template: exit %d: %s", code, errOut)
			}
			var kinds []string
			for _, line := range strings.Split(out, "\n") {
				if k, ok := strings.CutPrefix(line, "kind: "); ok {
					kinds = append(kinds, k)
				}
			}
			if strings.Join(kinds, ",") != strings.Join(tt.kinds, ",") {
				t.Errorf("template rendered kinds %q, want %q", kinds, tt.kinds)
			}
			helmLintStrict(t, dir, tt.flags)
		})
	}
}

// helmLintStrict holds the scaffold to Helm's own 'lint --strict'.
func helmLintStrict(t *testing.T, dir string, flags []string) {
	t.Helper()
	vals := map[string]any{}
	for i := 1; i < len(flags); i += 2 {
		if err := strvals.ParseInto(flags[i], vals); err != nil {
			t.Fatal(err)
		}
	}
	client := action.NewLint()
	client.Strict = true
	client.Namespace = "shop"
	client.KubeVersion = &chartutil.KubeVersion{Version: "v1.37.0", Major: "1", Minor: "37"}
	res := client.Run([]string{dir}, vals)
	for _, m := range res.Messages {
		if m.Severity > 1 {
			t.Errorf("helm lint --strict: %s", m)
		}
	}
	if len(res.Errors) > 0 {
		t.Errorf("helm lint --strict failed: %v", res.Errors)
	}
}

func TestCreateRefusesUnrelatedDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "data.txt"), []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runKpkgCLI(t, "create", dir)
	if code != 1 || !strings.Contains(errOut, "holds no Chart.yaml") {
		t.Errorf("exit %d, stderr %q; want a refusal", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory was written to: %d entries", len(entries))
	}
}

func TestCreateFromStarter(t *testing.T) {
	starter := filepath.Join(t.TempDir(), "starter")
	if _, _, code := runKpkgCLI(t, "create", starter); code != 0 {
		t.Fatal("create starter failed")
	}
	// A starter's templates keep the placeholder, so its helpers follow the
	// new chart's name.
	helpers := filepath.Join(starter, "templates", "_helpers.tpl")
	data, _ := os.ReadFile(helpers)
	if err := os.WriteFile(helpers, []byte(strings.ReplaceAll(string(data), `"starter.`, `"<CHARTNAME>.`)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"deployment.yaml", "service.yaml", "serviceaccount.yaml", "ingress.yaml", "hpa.yaml", "httproute.yaml", "NOTES.txt", "tests/test-connection.yaml"} {
		p := filepath.Join(starter, "templates", filepath.FromSlash(f))
		data, _ := os.ReadFile(p)
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(data), `"starter.`, `"<CHARTNAME>.`)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "shop")
	if _, errOut, code := runKpkgCLI(t, "create", dir, "--starter", starter); code != 0 {
		t.Fatalf("create --starter: %s", errOut)
	}
	out, errOut, code := runKpkgCLI(t, "lint", "--strict", dir)
	if code != 0 {
		t.Errorf("lint --strict of a chart made from a starter: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ = runKpkgCLI(t, "template", "r", dir)
	if !strings.Contains(out, "name: r-shop") {
		t.Errorf("the starter's templates were not renamed:\n%s", out)
	}
}
