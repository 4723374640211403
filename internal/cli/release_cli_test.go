package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleaseCommandErrors: bad input to the release commands fails before
// any cluster is contacted, with a message naming what is wrong. The cluster
// behaviour itself is tested end to end in test/e2e.
func TestReleaseCommandErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-kubeconfig")
	empty := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(empty, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"install needs a name", []string{"install", "chart"}, "must either provide a name or specify --generate-name"},
		{"bad dry-run mode", []string{"install", "x", "chart", "--dry-run=maybe"}, `invalid --dry-run "maybe"`},
		{"bad output format", []string{"list", "-o", "xml"}, `invalid format type "xml"`},
		{"bad cascade", []string{"uninstall", "web", "--cascade", "sideways"}, `invalid cascade value (sideways)`},
		{"hide-secret without a dry run", []string{"install", "web", "chart", "--hide-secret"}, "--hide-secret requires --dry-run"},
		{"deleted official repository", []string{"repo", "add", "stable", "https://kubernetes-charts.storage.googleapis.com"}, `try "https://charts.helm.sh/stable" instead`},
		{"bad rollback revision", []string{"rollback", "web", "two"}, `invalid revision "two"`},
		{"missing kubeconfig", []string{"list", "--kubeconfig", missing}, "no-such-kubeconfig"},
		{"unreachable API server", []string{"history", "web", "--kubeconfig", empty, "--kube-apiserver", "https://127.0.0.1:1", "--kube-insecure-skip-tls-verify"}, "127.0.0.1:1"},
		{"get needs a subcommand target", []string{"get", "values"}, "accepts 1 arg"},
		{"upgrade needs a chart", []string{"upgrade", "web"}, "accepts 2 arg"},
		{"bad diff revision", []string{"diff", "revision", "web", "1", "latest"}, `invalid revision "latest"`},
		{"bad diff rollback revision", []string{"diff", "rollback", "web", "0"}, `invalid revision "0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, tt.args...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("kpkg %s: exit %d, stderr %q; want a failure mentioning %q", strings.Join(tt.args, " "), code, stderr, tt.want)
			}
		})
	}
}

// TestReleaseCommandsHaveHelmFlags pins the flags scripts written for Helm
// rely on.
func TestReleaseCommandsHaveHelmFlags(t *testing.T) {
	cluster := []string{"--kubeconfig", "--kube-context", "--namespace", "--kube-as-user", "--kube-as-group", "--kube-token", "--kube-apiserver", "--kube-ca-file", "--kube-insecure-skip-tls-verify"}
	install := []string{"--generate-name", "--create-namespace", "--description", "--wait", "--wait-for-jobs", "--timeout duration", "--atomic", "--rollback-on-failure",
		"--dry-run", "--no-hooks", "--skip-crds", "--take-ownership", "--labels", "--output", "--set ", "--values",
		"--force ", "--hide-secret", "--disable-openapi-validation", "--dependency-update"}
	tests := []struct {
		cmd   []string
		flags []string
	}{
		{[]string{"install"}, append(append(install, "--replace"), cluster...)},
		{[]string{"upgrade"}, append(append(install[1:], "--install", "--reuse-values", "--reset-values", "--reset-then-reuse-values", "--history-max", "--cleanup-on-fail", "--force-conflicts"), cluster...)},
		{[]string{"rollback"}, append([]string{"--wait", "--timeout", "--force "}, cluster...)},
		{[]string{"uninstall"}, append([]string{"--keep-history", "--wait", "--ignore-not-found", "--cascade"}, cluster...)},
		{[]string{"history"}, append([]string{"--max", "--output"}, cluster...)},
		{[]string{"status"}, append([]string{"--revision", "--output", "--show-desc", "--show-resources"}, cluster...)},
		{[]string{"list"}, append([]string{"--all-namespaces", "--all", "--deployed", "--failed", "--pending", "--superseded", "--uninstalled", "--filter", "--output", "--date", "--reverse", "--max", "--offset", "--time-format", "--selector", "--no-headers", "--short"}, cluster...)},
		{[]string{"get", "all"}, append([]string{"--revision", "--template"}, cluster...)},
		{[]string{"repo", "add"}, []string{"--no-update", "--allow-deprecated-repos", "--force-update"}},
		{[]string{"search", "repo"}, []string{"--max-col-width", "--output"}},
		{[]string{"dependency", "list"}, []string{"--max-col-width"}},
		{[]string{"version"}, []string{"--short", "--template"}},
		{[]string{"get", "values"}, append([]string{"--revision", "--all", "--output"}, cluster...)},
		{[]string{"test"}, append([]string{"--timeout", "--filter"}, cluster...)},
		{[]string{"diff", "upgrade"}, append([]string{"--install", "--reuse-values", "--reset-values", "--set", "--values", "--version", "--context", "--show-secrets", "--detailed-exitcode", "--no-hooks"}, cluster...)},
		{[]string{"diff", "revision"}, append([]string{"--context", "--show-secrets", "--detailed-exitcode"}, cluster...)},
		{[]string{"diff", "rollback"}, append([]string{"--context", "--show-secrets", "--detailed-exitcode"}, cluster...)},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.cmd, " "), func(t *testing.T) {
			out, _, code := run(t, append(tt.cmd, "--help")...)
			if code != 0 {
				t.Fatalf("--help exit %d", code)
			}
			for _, f := range tt.flags {
				if !strings.Contains(out, f) {
					t.Errorf("kpkg %s has no %s flag", strings.Join(tt.cmd, " "), f)
				}
			}
		})
	}
	out, _, _ := run(t, "install", "--help")
	if !strings.Contains(out, "(default 5m0s)") {
		t.Errorf("install --timeout should default to 5m0s:\n%s", out)
	}
	if out, _, _ := run(t, "upgrade", "--help"); !strings.Contains(out, "--history-max int") || !strings.Contains(out, "(default 10)") {
		t.Errorf("upgrade --history-max should default to 10:\n%s", out)
	}
}
