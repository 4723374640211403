package repo_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	helmregistry "helm.sh/helm/v3/pkg/registry"

	"github.com/kpkg/kpkg/pkg/provenance"
	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// TestOCIProvenance pushes a signed chart with its provenance layer and
// pulls it back with verification, side by side with Helm's registry
// client: each reads the other's provenance layer, and both write the same
// manifest for the same chart, provenance file and creation time.
func TestOCIProvenance(t *testing.T) {
	ctx := context.Background()
	host := repotest.StartRegistry(t, "")
	site := newSignedSite(t, nil, "1.0.0", "2.0.0")
	archive := mustRead(t, filepath.Join(site.dir, "demo-1.0.0.tgz"))
	prov := mustRead(t, filepath.Join(site.dir, "demo-1.0.0.tgz.prov"))
	created := time.Unix(1700000000, 0).UTC()
	reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}})
	if err != nil {
		t.Fatal(err)
	}
	helm, err := helmregistry.NewClient(helmregistry.ClientOptPlainHTTP(), helmregistry.ClientOptCredentialsFile(filepath.Join(t.TempDir(), "c.json")), helmregistry.ClientOptWriter(&bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}

	kres, err := reg.Push(ctx, archive, "oci://"+host+"/bykpkg", repo.PushOptions{Created: created, Prov: prov})
	if err != nil {
		t.Fatal(err)
	}
	if kres.ProvDigest != provenance.Digest(prov) {
		t.Errorf("provenance layer digest %s, want %s", kres.ProvDigest, provenance.Digest(prov))
	}
	hres, err := helm.Push(archive, host+"/byhelm/demo:1.0.0", helmregistry.PushOptProvData(prov), helmregistry.PushOptCreationTime(created.Format(time.RFC3339)))
	if err != nil {
		t.Fatal(err)
	}
	if hres.Manifest.Digest != kres.ManifestDigest {
		t.Errorf("manifest digest: kpkg %s, Helm %s", kres.ManifestDigest, hres.Manifest.Digest)
	}
	hpull, err := helm.Pull(host+"/bykpkg/demo:1.0.0", helmregistry.PullOptWithProv(true))
	if err != nil {
		t.Fatalf("Helm pull of kpkg's push with provenance: %v", err)
	}
	if !bytes.Equal(hpull.Prov.Data, prov) {
		t.Error("Helm pulled another provenance file than kpkg pushed")
	}

	for _, path := range []string{"bykpkg", "byhelm"} {
		dest := t.TempDir()
		req := repo.ChartRequest{Ref: "oci://" + host + "/" + path + "/demo:1.0.0", Auth: repo.Auth{PlainHTTP: true}, Provenance: repo.ProvenanceOptions{Verify: true, Keyring: site.pubring}}
		res, err := repo.Pull(ctx, req, repo.PullOptions{DestDir: dest})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if res.Verification == nil || res.Verification.FileName != "demo-1.0.0.tgz" || strings.Join(listDir(t, dest), " ") != "demo-1.0.0.tgz demo-1.0.0.tgz.prov" {
			t.Errorf("%s: verification %+v, files %v", path, res.Verification, listDir(t, dest))
		}
		if !bytes.Equal(mustRead(t, res.ProvPath), prov) {
			t.Errorf("%s: saved provenance file differs", path)
		}
		req.Provenance.Keyring = site.otherRing
		dest = t.TempDir()
		if _, err := repo.Pull(ctx, req, repo.PullOptions{DestDir: dest}); !errors.Is(err, provenance.ErrUnknownSigner) || len(listDir(t, dest)) != 0 {
			t.Errorf("%s: stranger's keyring: %v, left %v", path, err, listDir(t, dest))
		}
	}

	unsigned := demoArchive(t, "3.0.0")
	if _, err := reg.Push(ctx, unsigned, "oci://"+host+"/bykpkg", repo.PushOptions{Prov: prov}); err == nil || !strings.Contains(err.Error(), "does not sign this archive") {
		t.Errorf("push with another chart's provenance file: %v", err)
	}
	if _, err := reg.Push(ctx, unsigned, "oci://"+host+"/bykpkg", repo.PushOptions{}); err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	req := repo.ChartRequest{Ref: "oci://" + host + "/bykpkg/demo:3.0.0", Auth: repo.Auth{PlainHTTP: true}, Provenance: repo.ProvenanceOptions{Verify: true, Keyring: site.pubring}}
	if _, err := repo.Pull(ctx, req, repo.PullOptions{DestDir: dest}); err == nil || !strings.Contains(err.Error(), repo.ProvLayerMediaType) || len(listDir(t, dest)) != 0 {
		t.Errorf("verify a chart pushed without provenance: %v", err)
	}
	req.Provenance = repo.ProvenanceOptions{Fetch: true}
	if res, err := repo.Pull(ctx, req, repo.PullOptions{DestDir: dest}); err != nil || res.ProvErr == nil || res.ProvPath != "" {
		t.Errorf("--prov for a chart pushed without provenance: %+v, %v", res, err)
	}
}
