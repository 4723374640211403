package cli_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	helmchart "helm.sh/helm/v3/pkg/chart"
	helmrelease "helm.sh/helm/v3/pkg/release"
	helmtime "helm.sh/helm/v3/pkg/time"
)

// These tests read releases that Helm's storage driver wrote into a fake
// API server, with kpkg and with the real Helm v3.22.0 binary
// (KPKG_TEST_HELM3), on the same HOME and kubeconfig, and compare the
// output byte for byte.

// releaseFixture is a release history Helm wrote: several statuses,
// revisions, zones, labels, hooks and a test run.
func releaseFixture(t *testing.T) *fakeCluster {
	t.Helper()
	home := helmHome(t)
	c := newFakeCluster(t, "apps", "other", "kube-system")
	c.useKubeconfig(t, filepath.Join(home, ".kube", "config"), "apps")
	zone := time.FixedZone("", 2*3600)
	at := func(day int) helmtime.Time {
		return helmtime.Time{Time: time.Date(2026, 3, day, 10, 4, 5, 123456789, zone)}
	}
	web := &helmchart.Chart{
		Metadata: &helmchart.Metadata{APIVersion: "v2", Name: "web", Version: "1.2.3", AppVersion: "2.0",
			Dependencies: []*helmchart.Dependency{{Name: "redis", Version: "1.0.0"}}, Annotations: map[string]string{"b": "2", "a": "1"}},
		Values: map[string]any{"replicas": 1, "image": map[string]any{"tag": "v1"}},
	}
	test := &helmrelease.Hook{Name: "web-test", Kind: "Pod", Path: "web/templates/test.yaml", Manifest: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-test",
		Events:  []helmrelease.HookEvent{helmrelease.HookTest},
		LastRun: helmrelease.HookExecution{StartedAt: at(3), CompletedAt: at(3).Add(5 * time.Second), Phase: helmrelease.HookPhaseSucceeded}}
	pre := &helmrelease.Hook{Name: "web-migrate", Kind: "Job", Path: "web/templates/job.yaml", Manifest: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: web-migrate",
		Events: []helmrelease.HookEvent{helmrelease.HookPreUpgrade}}
	manifest := "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n"
	for v, st := range []helmrelease.Status{helmrelease.StatusSuperseded, helmrelease.StatusSuperseded, helmrelease.StatusDeployed} {
		desc := []string{"Install complete", "Upgrade complete", "Upgrade complete: a description long enough to need a wide column"}[v]
		rel := &helmrelease.Release{Name: "web", Namespace: "apps", Version: v + 1, Chart: web, Manifest: manifest,
			Config: map[string]any{"replicas": v + 1}, Hooks: []*helmrelease.Hook{pre, test},
			Info:   &helmrelease.Info{FirstDeployed: at(1), LastDeployed: at(v + 1), Status: st, Description: desc, Notes: "  Visit http://web\n\n"},
			Labels: map[string]string{"team": "a"}}
		c.addRelease(t, rel)
	}
	others := []struct {
		name, ns string
		st       helmrelease.Status
		day      int
		app      string
	}{
		{"api", "apps", helmrelease.StatusFailed, 5, ""},
		{"old", "apps", helmrelease.StatusUninstalled, 2, "1.0"},
		{"pending-one", "apps", helmrelease.StatusPendingInstall, 6, "3"},
		{"db", "other", helmrelease.StatusDeployed, 4, "16.2"},
	}
	for _, o := range others {
		ch := &helmchart.Chart{Metadata: &helmchart.Metadata{APIVersion: "v2", Name: o.name + "-chart", Version: "0.1.0", AppVersion: o.app}}
		c.addRelease(t, &helmrelease.Release{Name: o.name, Namespace: o.ns, Version: 1, Chart: ch,
			Info: &helmrelease.Info{LastDeployed: at(o.day), Status: o.st, Description: "Install complete"}})
	}
	return c
}

func TestReleaseTablesLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	releaseFixture(t)
	for _, args := range [][]string{
		{"list"}, {"ls", "-a"}, {"list", "-A"}, {"list", "-A", "-a", "-d"}, {"list", "-a", "-r"},
		{"list", "--short"}, {"list", "-q", "-o", "json"}, {"list", "-q", "-o", "yaml"},
		{"list", "-o", "json"}, {"list", "-a", "-o", "yaml"}, {"list", "--no-headers"}, {"list", "--time-format", "2006-01-02 15:04"},
		{"list", "-l", "team=a"}, {"list", "-a", "-l", "team!=a"}, {"list", "-a", "--max", "2", "--offset", "1"},
		{"list", "--superseded"}, {"list", "--failed"}, {"list", "--pending"}, {"list", "--uninstalled"}, {"list", "--deployed"},
		{"list", "-a", "-f", "^(w|o)"}, {"list", "-n", "other"}, {"list", "-n", "empty"}, {"list", "-n", "empty", "--no-headers"},
		{"list", "-o", "xml"},
		{"history", "web"}, {"hist", "web", "-o", "json"}, {"history", "web", "-o", "yaml"}, {"history", "web", "--max", "2"},
		{"history", "api"}, {"history", "nope"}, {"history", "web", "-o", "table"}, {"history", "web", "-o", "xml"},
		{"status", "web"}, {"status", "web", "--show-desc"}, {"status", "web", "--revision", "1"}, {"status", "api"},
		{"status", "old"}, {"status", "nope"}, {"status", "web", "-o", "xml"},
		{"get", "all", "web"}, {"get", "all", "web", "--revision", "2"}, {"get", "all", "api"},
		{"get", "all", "web", "--template", "{{.Release.Name}} {{.Release.Version}} {{.Release.Info.Status}} {{.Release.Namespace}}"},
		{"get", "values", "web"}, {"get", "values", "web", "-a"}, {"get", "values", "web", "-o", "json"}, {"get", "values", "web", "-a", "-o", "yaml"},
		{"get", "manifest", "web"}, {"get", "hooks", "web"}, {"get", "notes", "web"}, {"get", "notes", "api"},
		{"get", "metadata", "web"}, {"get", "metadata", "web", "-o", "json"}, {"get", "metadata", "db", "-n", "other", "-o", "yaml"},
	} {
		compareWithHelm(t, helm, args...)
	}
}

// TestReleaseJSONLikeHelm: status -o json|yaml print the revision as Helm
// does, without its chart.
func TestReleaseJSONLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	releaseFixture(t)
	for _, args := range [][]string{{"status", "web", "-o", "json"}, {"status", "api", "-o", "yaml"}} {
		compareWithHelm(t, helm, args...)
	}
}

// TestUninstallIgnoreNotFoundLikeHelm: a release that is not there counts
// as uninstalled with --ignore-not-found, and fails without it.
func TestUninstallIgnoreNotFoundLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	releaseFixture(t)
	compareWithHelm(t, helm, "uninstall", "nope", "--ignore-not-found")
	compareWithHelm(t, helm, "uninstall", "nope", "gone", "--ignore-not-found")
	compareWithHelm(t, helm, "uninstall", "nope")
	compareWithHelm(t, helm, "uninstall", "nope", "--cascade", "sideways")
}

var lastDeployed = regexp.MustCompile(`(?m)^LAST DEPLOYED: .*\n`)

// TestDryRunHideSecretLikeHelm: a dry run with --hide-secret prints the
// release with each Secret's body replaced, as Helm does; without a dry
// run both refuse the flag.
func TestDryRunHideSecretLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	releaseFixture(t)
	chart := writeFiles(t, filepath.Join(t.TempDir(), "secretive"), map[string]string{
		"Chart.yaml":            "apiVersion: v2\nname: secretive\nversion: 0.1.0\n",
		"templates/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: hunter2\n",
		"templates/cm.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n",
		"templates/NOTES.txt":   "installed {{ .Release.Name }}\n",
	})
	// The fake cluster serves no OpenAPI documents for Helm to validate
	// with: both tools are told not to (kpkg accepts the flag).
	for _, args := range [][]string{
		{"install", "rel", chart, "--dry-run", "--hide-secret"},
		{"install", "rel", chart, "--dry-run=client", "--hide-secret", "--hide-notes"},
		{"upgrade", "web", chart, "--dry-run", "--hide-secret"},
		{"install", "rel", chart, "--dry-run"},
	} {
		args = append(args, "--disable-openapi-validation")
		want, helmErr, helmCode := runHelmCode(t, helm, args...)
		got, kpkgErr, kpkgCode := runIn(t, "", args...)
		if lastDeployed.ReplaceAllString(got, "") != lastDeployed.ReplaceAllString(want, "") || kpkgCode != helmCode {
			t.Errorf("%q:\nkpkg (exit %d):\n%s%s\nhelm (exit %d):\n%s%s", args, kpkgCode, got, kpkgErr, helmCode, want, helmErr)
		}
	}
	for _, args := range [][]string{{"install", "rel", chart, "--hide-secret"}, {"upgrade", "web", chart, "--hide-secret"}} {
		_, _, helmCode := runHelmCode(t, helm, args...)
		_, stderr, code := runIn(t, "", args...)
		if code == 0 || helmCode == 0 || !strings.Contains(stderr, "requires --dry-run") {
			t.Errorf("%q: kpkg exit %d (%s), helm exit %d", args, code, stderr, helmCode)
		}
	}
}

// TestStatusShowResources: --show-resources adds kpkg's table of the
// revision's objects and their live state (here: gone), and a
// "resources" list to -o json; without it status reads no object.
func TestStatusShowResources(t *testing.T) {
	releaseFixture(t)
	out := mustRun(t, "status", "web", "--show-resources", "--show-desc")
	want := "DESCRIPTION: Upgrade complete: a description long enough to need a wide column\nRESOURCES:\nKIND      NAME NAMESPACE STATUS   MESSAGE\nConfigMap web  apps      NotFound not found\n\nTEST SUITE:     web-test\n"
	if !strings.Contains(out, want) {
		t.Errorf("status --show-resources:\n%s\nwant it to contain:\n%s", out, want)
	}
	if out := mustRun(t, "status", "web", "--show-resources", "-o", "json"); !strings.Contains(out, `"resources":[{"kind":"ConfigMap","name":"web","namespace":"apps","status":"NotFound"`) {
		t.Errorf("status --show-resources -o json: %s", out)
	}
	if out := mustRun(t, "status", "web"); strings.Contains(out, "RESOURCES") {
		t.Errorf("status without --show-resources lists resources:\n%s", out)
	}
}
