package repo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/provenance"
	"github.com/kpkg/kpkg/pkg/provenance/provenancetest"
	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// signedSite is an HTTP chart repository of demo charts signed by one key,
// with a keyring that trusts the key and one that does not.
type signedSite struct {
	dir, url           string
	pubring, otherRing string
	signer             *provenance.Signer
}

// newSignedSite packages and signs the demo chart at each version; before
// serving, mutate may break the site (then the index is rebuilt).
func newSignedSite(t *testing.T, mutate func(dir string), versions ...string) *signedSite {
	t.Helper()
	key := provenancetest.NewKey(t, "Repo Signer", "repo@example.com", false)
	other := provenancetest.NewKey(t, "Stranger", "stranger@example.com", false)
	s := &signedSite{
		dir:       t.TempDir(),
		pubring:   provenancetest.WriteKeyring(t, provenancetest.KeyringOptions{}, key),
		otherRing: provenancetest.WriteKeyring(t, provenancetest.KeyringOptions{}, other),
	}
	secring := provenancetest.WriteKeyring(t, provenancetest.KeyringOptions{Secret: true}, key)
	var err error
	if s.signer, err = provenance.NewSigner(context.Background(), provenance.SignOptions{Keyring: secring}); err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if _, err := repo.Package(context.Background(), demoChart, repo.PackageOptions{Version: v, DestDir: s.dir, Signer: s.signer}); err != nil {
			t.Fatal(err)
		}
	}
	if mutate != nil {
		mutate(s.dir)
	}
	if err := repo.IndexDir(context.Background(), s.dir, repo.IndexDirOptions{}); err != nil {
		t.Fatal(err)
	}
	s.url, _ = repotest.ServeDir(t, s.dir, repotest.ServeOptions{})
	return s
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// tamper appends a byte to an archive after it was signed; the index built
// afterwards lists the new digest, so only the provenance file can tell.
func tamper(dir string) {
	p := filepath.Join(dir, "demo-1.0.0.tgz")
	data, _ := os.ReadFile(p)
	_ = os.WriteFile(p, append(data, 0), 0o644)
}

func dropProv(dir string) { _ = os.Remove(filepath.Join(dir, "demo-1.0.0.tgz.prov")) }

// TestPullProvenanceHTTP pulls from an HTTP repository with --prov and
// --verify semantics: what is kept, what is refused, and that a refused
// chart leaves the destination empty.
func TestPullProvenanceHTTP(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(dir string)
		prov      repo.ProvenanceOptions // Keyring "other" means the stranger's keyring
		plainURL  bool
		untar     bool
		wantFiles []string
		wantErr   func(error) bool
	}{
		{name: "verify", prov: repo.ProvenanceOptions{Verify: true}, wantFiles: []string{"demo-1.0.0.tgz", "demo-1.0.0.tgz.prov"}},
		{name: "verify by URL", prov: repo.ProvenanceOptions{Verify: true}, plainURL: true, wantFiles: []string{"demo-1.0.0.tgz", "demo-1.0.0.tgz.prov"}},
		{name: "prov only", prov: repo.ProvenanceOptions{Fetch: true}, wantFiles: []string{"demo-1.0.0.tgz", "demo-1.0.0.tgz.prov"}},
		{name: "prov only, none on the server", mutate: dropProv, prov: repo.ProvenanceOptions{Fetch: true}, wantFiles: []string{"demo-1.0.0.tgz"}},
		{name: "neither", wantFiles: []string{"demo-1.0.0.tgz"}},
		{name: "verify and untar", prov: repo.ProvenanceOptions{Verify: true}, untar: true, wantFiles: []string{"demo"}},
		{name: "verify with a stranger's keyring", prov: repo.ProvenanceOptions{Verify: true, Keyring: "other"},
			wantErr: func(err error) bool { return errors.Is(err, provenance.ErrUnknownSigner) }},
		{name: "verify a tampered archive", mutate: tamper, prov: repo.ProvenanceOptions{Verify: true},
			wantErr: func(err error) bool { var e *provenance.DigestMismatchError; return errors.As(err, &e) }},
		{name: "verify a tampered archive and untar", mutate: tamper, prov: repo.ProvenanceOptions{Verify: true}, untar: true,
			wantErr: func(err error) bool { var e *provenance.DigestMismatchError; return errors.As(err, &e) }},
		{name: "verify without a provenance file", mutate: dropProv, prov: repo.ProvenanceOptions{Verify: true},
			wantErr: func(err error) bool {
				return strings.Contains(err.Error(), "demo-1.0.0.tgz.prov") && strings.Contains(err.Error(), "404")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newSignedSite(t, tt.mutate, "1.0.0")
			switch tt.prov.Keyring {
			case "other":
				tt.prov.Keyring = site.otherRing
			case "":
				tt.prov.Keyring = site.pubring
			}
			req := repo.ChartRequest{Ref: "demo", RepoURL: site.url, Version: "1.0.0", Provenance: tt.prov}
			if tt.plainURL {
				req = repo.ChartRequest{Ref: site.url + "/demo-1.0.0.tgz", Provenance: tt.prov}
			}
			dest := t.TempDir()
			res, err := repo.Pull(context.Background(), req, repo.PullOptions{DestDir: dest, Untar: tt.untar})
			if tt.wantErr != nil {
				if err == nil || !tt.wantErr(err) {
					t.Fatalf("unexpected error: %v", err)
				}
				if left := listDir(t, dest); len(left) != 0 {
					t.Errorf("a refused chart left %v", left)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := listDir(t, dest); strings.Join(got, " ") != strings.Join(tt.wantFiles, " ") {
				t.Errorf("files %v, want %v", got, tt.wantFiles)
			}
			if tt.prov.Verify != (res.Verification != nil) {
				t.Errorf("verification %+v with Verify=%v", res.Verification, tt.prov.Verify)
			}
			if v := res.Verification; v != nil && (v.FileName != "demo-1.0.0.tgz" || v.SignedBy[0] != "Repo Signer (kpkg test) <repo@example.com>" || v.Fingerprint != site.signer.Fingerprint) {
				t.Errorf("verification %+v", v)
			}
			if tt.prov.Fetch && tt.mutate != nil && res.ProvErr == nil {
				t.Error("no ProvErr for a missing provenance file")
			}
		})
	}
}

// TestLoadChartVerifiesLocalArchives: commands that take a CHART path check
// "<archive>.prov" beside it.
func TestLoadChartVerifiesLocalArchives(t *testing.T) {
	ctx := context.Background()
	site := newSignedSite(t, nil, "1.0.0")
	archive := filepath.Join(site.dir, "demo-1.0.0.tgz")
	load := func(ref, keyring string) error {
		_, err := repo.LoadChart(ctx, repo.ChartRequest{Ref: ref, Provenance: repo.ProvenanceOptions{Verify: true, Keyring: keyring}})
		return err
	}
	if err := load(archive, site.pubring); err != nil {
		t.Errorf("signed archive: %v", err)
	}
	if err := load(archive, site.otherRing); !errors.Is(err, provenance.ErrUnknownSigner) {
		t.Errorf("stranger's keyring: %v", err)
	}
	if err := load(demoChart, site.pubring); err == nil || !strings.Contains(err.Error(), "only packaged charts (.tgz)") {
		t.Errorf("directory: %v", err)
	}
	unsigned := filepath.Join(t.TempDir(), "demo-1.0.0.tgz")
	if err := os.WriteFile(unsigned, mustRead(t, archive), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := load(unsigned, site.pubring); err == nil || !strings.Contains(err.Error(), unsigned+".prov") {
		t.Errorf("archive without provenance file: %v", err)
	}
	if err := os.WriteFile(unsigned+".prov", mustRead(t, archive+".prov"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(unsigned, append(mustRead(t, archive), 0), 0o644); err != nil {
		t.Fatal(err)
	}
	var mismatch *provenance.DigestMismatchError
	if err := load(unsigned, site.pubring); !errors.As(err, &mismatch) {
		t.Errorf("tampered archive: %v", err)
	}
}

// TestDependenciesVerify: update refuses an unverifiable dependency before
// charts/ changes; build, as in Helm, lets one without a provenance file
// through with a warning but still refuses a bad one.
func TestDependenciesVerify(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		mutate     func(string)
		build      bool
		stranger   bool
		wantErr    string
		wantLog    string
		wantCharts []string
	}{
		{name: "update, signed", wantCharts: []string{"demo-1.0.0.tgz"}},
		{name: "update, stranger's keyring", stranger: true, wantErr: "not in keyring"},
		{name: "update, tampered", mutate: tamper, wantErr: "does not match provenance file"},
		{name: "update, unsigned", mutate: dropProv, wantErr: "no provenance file"},
		{name: "build, unsigned", mutate: dropProv, build: true, wantLog: "was not verified", wantCharts: []string{"demo-1.0.0.tgz"}},
		{name: "build, tampered", mutate: tamper, build: true, wantErr: "does not match provenance file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newSignedSite(t, tt.mutate, "1.0.0")
			dir := t.TempDir()
			chartYAML := "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n  - name: demo\n    version: 1.0.0\n    repository: " + site.url + "\n"
			if err := os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte(chartYAML), 0o644); err != nil {
				t.Fatal(err)
			}
			keyring := site.pubring
			if tt.stranger {
				keyring = site.otherRing
			}
			var log bytes.Buffer
			opts := repo.DependencyOptions{
				Paths:      testPaths(t),
				Log:        func(f string, a ...any) { log.WriteString(strings.TrimSpace(fmt.Sprintf(f, a...)) + "\n") },
				Provenance: repo.ProvenanceOptions{Verify: true, Keyring: keyring, AllowMissing: tt.build},
			}
			run := repo.UpdateDependencies
			if tt.build {
				run = repo.BuildDependencies
			}
			err := run(ctx, dir, opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("want error %q, got %v", tt.wantErr, err)
				}
				if left := listDir(t, filepath.Join(dir, "charts")); len(left) != 0 {
					t.Errorf("charts/ holds %v after a refusal", left)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := listDir(t, filepath.Join(dir, "charts")); strings.Join(got, " ") != strings.Join(tt.wantCharts, " ") {
				t.Errorf("charts/ holds %v, want %v", got, tt.wantCharts)
			}
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log does not say %q:\n%s", tt.wantLog, log.String())
			}
		})
	}
}
