package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/provenance"
	"github.com/kpkg/kpkg/pkg/provenance/provenancetest"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// signedRepo is a chart repository whose demo chart 'kpkg package --sign'
// signed, served over HTTP, with keyrings that trust and do not trust the
// signer.
type signedRepo struct {
	site, url, archive    string
	pubring, otherRing    string
	secring, fingerprint  string
	passphrase, userID    string
	passFile, archiveHash string
}

func newSignedRepo(t *testing.T, passphrase string) *signedRepo {
	t.Helper()
	repoEnv(t)
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none")) // never a real cluster
	key := provenancetest.NewKey(t, "CLI Signer", "cli@example.com", false)
	other := provenancetest.NewKey(t, "Stranger", "stranger@example.com", false)
	r := &signedRepo{
		site:       t.TempDir(),
		pubring:    provenancetest.WriteKeyring(t, provenancetest.KeyringOptions{}, key),
		otherRing:  provenancetest.WriteKeyring(t, provenancetest.KeyringOptions{}, other),
		secring:    provenancetest.WriteKeyring(t, provenancetest.KeyringOptions{Secret: true, Passphrase: passphrase}, key),
		passphrase: passphrase,
		userID:     "CLI Signer (kpkg test) <cli@example.com>",
		passFile:   filepath.Join(t.TempDir(), "passphrase"),
	}
	r.fingerprint = fmt.Sprintf("%X", key.PrimaryKey.Fingerprint)
	if err := os.WriteFile(r.passFile, []byte(passphrase+"\nsecond line is ignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "package", demoChart, "-d", r.site, "--sign", "--key", "cli@example.com", "--keyring", r.secring, "--passphrase-file", r.passFile)
	mustRun(t, "repo", "index", r.site)
	r.url, _ = repotest.ServeDir(t, r.site, repotest.ServeOptions{})
	r.archive = filepath.Join(r.site, "demo-1.2.3.tgz")
	r.archiveHash = provenance.Digest(mustReadFile(t, r.archive))
	return r
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantOutput is what 'helm verify' prints for the signed demo chart.
func (r *signedRepo) wantOutput() string {
	return "Signed by: " + r.userID + "\nUsing Key With Fingerprint: " + r.fingerprint + "\nChart Hash Verified: " + r.archiveHash + "\n"
}

func TestVerifyCommand(t *testing.T) {
	r := newSignedRepo(t, "")
	if out := mustRun(t, "verify", r.archive, "--keyring", r.pubring); out != r.wantOutput() {
		t.Errorf("verify output:\n%s\nwant:\n%s", out, r.wantOutput())
	}
	tampered := filepath.Join(t.TempDir(), "demo-1.2.3.tgz")
	if err := os.WriteFile(tampered, append(mustReadFile(t, r.archive), 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tampered+".prov", mustReadFile(t, r.archive+".prov"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"stranger's keyring", []string{r.archive, "--keyring", r.otherRing}, "which is not in keyring " + r.otherRing},
		{"tampered archive", []string{tampered, "--keyring", r.pubring}, "does not match provenance file " + tampered + ".prov"},
		{"chart directory", []string{demoChart, "--keyring", r.pubring}, "kpkg package --sign"},
		{"no provenance file", []string{filepath.Join(t.TempDir(), "x.tgz"), "--keyring", r.pubring}, "x.tgz.prov"},
		{"missing keyring", []string{r.archive, "--keyring", "/nonexistent/pubring.gpg"}, "/nonexistent/pubring.gpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runIn(t, "", append([]string{"verify"}, tt.args...)...)
			if code == 0 || out != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want an error saying %q", code, out, stderr, tt.want)
			}
		})
	}
}

// TestPackageSignPassphrase: an encrypted key is unlocked from a file or
// stdin; without either (and no terminal) nothing is written.
func TestPackageSignPassphrase(t *testing.T) {
	r := newSignedRepo(t, "open sesame")
	if out := mustRun(t, "verify", r.archive, "--keyring", r.pubring); out != r.wantOutput() {
		t.Errorf("verify of a chart signed with --passphrase-file: %q", out)
	}
	sign := []string{"package", demoChart, "--sign", "--keyring", r.secring}
	dest := t.TempDir()
	if _, stderr, code := runIn(t, "open sesame\n", append(sign, "--key", "CLI Signer", "--passphrase-file", "-", "-d", dest)...); code != 0 {
		t.Fatalf("--passphrase-file -: %s", stderr)
	}
	mustRun(t, "verify", filepath.Join(dest, "demo-1.2.3.tgz"), "--keyring", r.pubring)
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"no passphrase source", "", []string{"--key", "CLI Signer"}, "use --passphrase-file"},
		{"wrong passphrase", "nope\n", []string{"--key", "CLI Signer", "--passphrase-file", "-"}, "wrong passphrase?"},
		{"no --key", "", nil, "--sign needs --key"},
		{"unknown key", "", []string{"--key", "nobody"}, `no key in keyring ` + r.secring + ` has a user ID containing "nobody"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dest := t.TempDir()
			_, stderr, code := runIn(t, tt.stdin, append(append(sign, tt.args...), "-d", dest)...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %q", code, stderr, tt.want)
			}
			if entries, _ := os.ReadDir(dest); len(entries) != 0 {
				t.Errorf("a failed signing left %d files", len(entries))
			}
		})
	}
}

// TestPullProvAndVerify: --prov saves the provenance file, --verify prints
// what 'helm pull --verify' prints, and a refused chart is not saved.
func TestPullProvAndVerify(t *testing.T) {
	r := newSignedRepo(t, "")
	dest := t.TempDir()
	if out := mustRun(t, "pull", "demo", "--repo", r.url, "--verify", "--keyring", r.pubring, "-d", dest); out != r.wantOutput() {
		t.Errorf("pull --verify output %q", out)
	}
	for _, f := range []string{"demo-1.2.3.tgz", "demo-1.2.3.tgz.prov"} {
		if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
			t.Errorf("pull --verify: %v", err)
		}
	}
	dest = t.TempDir()
	if out := mustRun(t, "pull", r.url+"/demo-1.2.3.tgz", "--prov", "-d", dest); out != "" {
		t.Errorf("pull --prov printed %q", out)
	}
	if got := mustReadFile(t, filepath.Join(dest, "demo-1.2.3.tgz.prov")); string(got) != string(mustReadFile(t, r.archive+".prov")) {
		t.Error("pull --prov saved another provenance file")
	}
	dest = t.TempDir()
	if _, stderr, code := runIn(t, "", "pull", "demo", "--repo", r.url, "--verify", "--keyring", r.otherRing, "-d", dest); code == 0 || !strings.Contains(stderr, "not in keyring") {
		t.Errorf("pull --verify with a stranger's keyring: %d %s", code, stderr)
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 0 {
		t.Errorf("a refused pull left %d files", len(entries))
	}
}

// TestChartCommandsVerify runs --verify on every command that reads a
// CHART, local and remote: a trusted signature passes, a stranger's is
// refused before anything happens.
func TestChartCommandsVerify(t *testing.T) {
	r := newSignedRepo(t, "")
	commands := [][]string{
		{"template", "r"},
		{"show", "chart"},
		{"install", "r", "--dry-run"},
		{"upgrade", "r", "--install", "--dry-run"},
	}
	refs := map[string][]string{
		"local archive": {r.archive},
		"repository":    {"demo", "--repo", r.url},
		"URL":           {r.url + "/demo-1.2.3.tgz"},
	}
	for _, c := range commands {
		for refName, ref := range refs {
			t.Run(c[0]+" "+refName, func(t *testing.T) {
				args := append(append(append([]string{}, c[:2]...), ref...), c[2:]...)
				out, stderr, code := runIn(t, "", append(args, "--verify", "--keyring", r.otherRing)...)
				if code == 0 || out != "" || !strings.Contains(stderr, "not in keyring "+r.otherRing) {
					t.Errorf("stranger's keyring: exit %d, stdout %q, stderr %q", code, out, stderr)
				}
				if c[0] != "template" && c[0] != "show" {
					return // the rest needs a cluster once the chart is accepted
				}
				if _, stderr, code := runIn(t, "", append(args, "--verify", "--keyring", r.pubring)...); code != 0 {
					t.Errorf("trusted keyring: exit %d: %s", code, stderr)
				}
			})
		}
	}
	if _, stderr, code := runIn(t, "", "template", "r", demoChart, "--verify", "--keyring", r.pubring); code == 0 || !strings.Contains(stderr, "only packaged charts") {
		t.Errorf("template --verify of a chart directory: %d %s", code, stderr)
	}
}

// TestDependencyBuildVerify: a dependency signed by a stranger stops the
// build before charts/ changes.
func TestDependencyBuildVerify(t *testing.T) {
	r := newSignedRepo(t, "")
	for _, tt := range []struct {
		keyring string
		ok      bool
	}{{r.pubring, true}, {r.otherRing, false}} {
		dir := t.TempDir()
		chartYAML := "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n  - name: demo\n    version: 1.2.3\n    repository: " + r.url + "\n"
		if err := os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte(chartYAML), 0o644); err != nil {
			t.Fatal(err)
		}
		_, stderr, code := runIn(t, "", "dependency", "build", dir, "--verify", "--keyring", tt.keyring)
		entries, _ := os.ReadDir(filepath.Join(dir, "charts"))
		if tt.ok && (code != 0 || len(entries) != 1) {
			t.Errorf("trusted keyring: exit %d, %d files in charts/: %s", code, len(entries), stderr)
		}
		if !tt.ok && (code == 0 || len(entries) != 0 || !strings.Contains(stderr, "not in keyring")) {
			t.Errorf("stranger's keyring: exit %d, %d files in charts/: %s", code, len(entries), stderr)
		}
	}
}

// TestOCIPushPullProvenance: 'kpkg push' takes the .prov beside the archive
// along, and 'kpkg pull --verify' checks it.
func TestOCIPushPullProvenance(t *testing.T) {
	r := newSignedRepo(t, "")
	host := repotest.StartRegistry(t, "")
	mustRun(t, "push", r.archive, "oci://"+host+"/signed", "--plain-http")
	dest := t.TempDir()
	out := mustRun(t, "pull", "oci://"+host+"/signed/demo", "--version", "1.2.3", "--plain-http", "--verify", "--keyring", r.pubring, "-d", dest)
	if !strings.HasSuffix(out, r.wantOutput()) {
		t.Errorf("pull --verify output %q", out)
	}
	if got := mustReadFile(t, filepath.Join(dest, "demo-1.2.3.tgz.prov")); string(got) != string(mustReadFile(t, r.archive+".prov")) {
		t.Error("the pulled provenance file differs from the pushed one")
	}
	if _, stderr, code := runIn(t, "", "template", "r", "oci://"+host+"/signed/demo", "--version", "1.2.3", "--plain-http", "--verify", "--keyring", r.otherRing); code == 0 || !strings.Contains(stderr, "not in keyring") {
		t.Errorf("template --verify from OCI with a stranger's keyring: %d %s", code, stderr)
	}
}
