package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/clearsign"

	"github.com/kpkg/kpkg/pkg/provenance/provenancetest"
)

// runHelm runs helm with its configuration, cache and GnuPG home in a
// fresh directory, so the developer's own are never read.
func runHelmIsolated(t *testing.T, helm string, args ...string) (string, string, error) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(helm, args...)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "GNUPGHOME=" + filepath.Join(home, "gnupg"),
		"HELM_CONFIG_HOME=" + filepath.Join(home, "config"), "HELM_CACHE_HOME=" + filepath.Join(home, "cache"), "HELM_DATA_HOME=" + filepath.Join(home, "data")}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// TestHelmBinarySignatures signs with 'helm package --sign' and verifies
// with 'kpkg verify', and the other way round, with an encrypted key: both
// must accept each other's provenance files, print the same verification,
// sign the same chart metadata, and refuse a tampered archive.
func TestHelmBinarySignatures(t *testing.T) {
	helm := helmBinary(t)
	repoEnv(t)
	key := provenancetest.NewKey(t, "Interop Signer", "interop@example.com", true)
	pubring := provenancetest.WriteKeyring(t, provenancetest.KeyringOptions{}, key)
	armoredPubring := provenancetest.WriteKeyring(t, provenancetest.KeyringOptions{Armored: true}, key)
	secring := provenancetest.WriteKeyring(t, provenancetest.KeyringOptions{Secret: true, Passphrase: "interop"}, key)
	passFile := filepath.Join(t.TempDir(), "pass")
	if err := os.WriteFile(passFile, []byte("interop\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	signArgs := []string{"--sign", "--key", "Interop Signer", "--keyring", secring, "--passphrase-file", passFile}

	helmDir, kpkgDir := t.TempDir(), t.TempDir()
	if _, stderr, err := runHelmIsolated(t, helm, append([]string{"package", demoChart, "-d", helmDir}, signArgs...)...); err != nil {
		t.Fatalf("helm package --sign: %v: %s", err, stderr)
	}
	mustRun(t, append([]string{"package", demoChart, "-d", kpkgDir}, signArgs...)...)
	byHelm, byKpkg := filepath.Join(helmDir, "demo-1.2.3.tgz"), filepath.Join(kpkgDir, "demo-1.2.3.tgz")

	for _, archive := range []string{byHelm, byKpkg} {
		helmOut, stderr, err := runHelmIsolated(t, helm, "verify", archive, "--keyring", pubring)
		if err != nil {
			t.Errorf("helm verify %s: %v: %s", archive, err, stderr)
		}
		if kpkgOut := mustRun(t, "verify", archive, "--keyring", pubring); kpkgOut != helmOut {
			t.Errorf("verify %s:\nkpkg:\n%s\nhelm:\n%s", archive, kpkgOut, helmOut)
		}
		if kpkgOut := mustRun(t, "verify", archive, "--keyring", armoredPubring); kpkgOut != helmOut {
			t.Errorf("verify %s with an armored keyring: %s", archive, kpkgOut)
		}
	}
	if a, b := signedChartYAML(t, byHelm+".prov"), signedChartYAML(t, byKpkg+".prov"); a != b {
		t.Errorf("signed Chart.yaml differs:\nhelm:\n%s\nkpkg:\n%s", a, b)
	}

	// A tampered archive: each tool refuses the other's signature.
	for _, archive := range []string{byHelm, byKpkg} {
		data := mustReadFile(t, archive)
		if err := os.WriteFile(archive, append(data, 0), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := runHelmIsolated(t, helm, "verify", archive, "--keyring", pubring); err == nil {
			t.Errorf("helm verify accepted tampered %s", archive)
		}
		if _, stderr, code := runIn(t, "", "verify", archive, "--keyring", pubring); code == 0 || !strings.Contains(stderr, "does not match provenance file") {
			t.Errorf("kpkg verify of tampered %s: %d %s", archive, code, stderr)
		}
		if err := os.WriteFile(archive, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHelmBinaryPullVerify: 'helm pull --verify' accepts a repository that
// 'kpkg package --sign' built, and prints what 'kpkg pull --verify' prints.
func TestHelmBinaryPullVerify(t *testing.T) {
	helm := helmBinary(t)
	r := newSignedRepo(t, "")
	helmDest, kpkgDest := t.TempDir(), t.TempDir()
	helmOut, stderr, err := runHelmIsolated(t, helm, "pull", r.url+"/demo-1.2.3.tgz", "--verify", "--keyring", r.pubring, "-d", helmDest)
	if err != nil {
		t.Fatalf("helm pull --verify: %v: %s", err, stderr)
	}
	if kpkgOut := mustRun(t, "pull", r.url+"/demo-1.2.3.tgz", "--verify", "--keyring", r.pubring, "-d", kpkgDest); kpkgOut != helmOut {
		t.Errorf("pull --verify output:\nkpkg:\n%s\nhelm:\n%s", kpkgOut, helmOut)
	}
	for _, f := range []string{"demo-1.2.3.tgz", "demo-1.2.3.tgz.prov"} {
		if !bytes.Equal(mustReadFile(t, filepath.Join(helmDest, f)), mustReadFile(t, filepath.Join(kpkgDest, f))) {
			t.Errorf("%s differs between helm pull and kpkg pull", f)
		}
	}
}

// signedChartYAML is the Chart.yaml part of a provenance file's signed
// text (the digests differ: Helm's and kpkg's archives are not the same
// bytes).
func signedChartYAML(t *testing.T, prov string) string {
	t.Helper()
	b, _ := clearsign.Decode(mustReadFile(t, prov))
	if b == nil {
		t.Fatalf("%s is not clear-signed", prov)
	}
	head, _, _ := strings.Cut(string(b.Plaintext), "\n...\n")
	return head
}
