package repo_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	helmregistry "helm.sh/helm/v3/pkg/registry"

	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

func demoArchive(t *testing.T, version string) []byte {
	t.Helper()
	p, err := repo.Package(context.Background(), demoChart, repo.PackageOptions{Version: version, DestDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return mustRead(t, p)
}

func sha(data []byte) string {
	s := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(s[:])
}

func TestOCIPushPull(t *testing.T) {
	ctx := context.Background()
	host := repotest.StartRegistry(t, "")
	p := testPaths(t)
	reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}, CredentialsFile: p.RegistryConfig})
	if err != nil {
		t.Fatal(err)
	}
	archives := map[string][]byte{}
	pushed := map[string]*repo.PushResult{}
	for _, v := range []string{"1.0.0", "1.10.0", "1.2.0", "2.0.0-beta.1", "1.3.0+build.7"} {
		archives[v] = demoArchive(t, v)
		res, err := reg.Push(ctx, archives[v], "oci://"+host+"/charts", repo.PushOptions{Created: time.Unix(1700000000, 0)})
		if err != nil {
			t.Fatalf("push %s: %v", v, err)
		}
		if res.ChartDigest != sha(archives[v]) {
			t.Errorf("push %s: chart digest %s, want %s", v, res.ChartDigest, sha(archives[v]))
		}
		pushed[v] = res
	}
	if got := pushed["1.3.0+build.7"].Ref; got != host+"/charts/demo:1.3.0_build.7" {
		t.Errorf("ref for a version with build metadata = %s", got)
	}
	tags, err := reg.Tags(ctx, "oci://"+host+"/charts/demo")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2.0.0-beta.1", "1.10.0", "1.3.0+build.7", "1.2.0", "1.0.0"}; !reflect.DeepEqual(tags, want) {
		t.Errorf("tags = %v, want %v", tags, want)
	}
	ref := "oci://" + host + "/charts/demo"
	tests := []struct {
		name, ref, version string
		devel              bool
		want               string
	}{
		{"newest stable", ref, "", false, "1.10.0"},
		{"devel", ref, "", true, "2.0.0-beta.1"},
		{"constraint", ref, "~1.3", false, "1.3.0+build.7"},
		{"exact version", ref, "1.0.0", false, "1.0.0"},
		{"tag", ref + ":1.2.0", "", false, "1.2.0"},
		{"digest", ref + "@" + pushed["1.0.0"].ManifestDigest, "", false, "1.0.0"},
		{"tag and digest", ref + ":1.10.0@" + pushed["1.10.0"].ManifestDigest, "", false, "1.10.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := reg.Pull(ctx, tt.ref, tt.version, tt.devel)
			if err != nil {
				t.Fatal(err)
			}
			if got.Chart.Version != tt.want {
				t.Fatalf("pulled %s, want %s", got.Chart.Version, tt.want)
			}
			if !bytes.Equal(got.Data, archives[tt.want]) || got.ManifestDigest != pushed[tt.want].ManifestDigest {
				t.Errorf("pulled bytes or manifest digest differ from what was pushed")
			}
		})
	}

	dest := t.TempDir()
	res, err := repo.Pull(ctx, repo.ChartRequest{Ref: ref, Version: "1.0.0", Auth: repo.Auth{PlainHTTP: true}, Paths: p}, repo.PullOptions{DestDir: dest})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustRead(t, res.Path), archives["1.0.0"]) {
		t.Error("pulled file differs from the pushed archive")
	}
	c, err := repo.LoadChart(ctx, repo.ChartRequest{Ref: ref, Version: "^1", Auth: repo.Auth{PlainHTTP: true}, Paths: p})
	if err != nil || c.Metadata.Version != "1.10.0" || len(c.Dependencies()) != 1 {
		t.Errorf("LoadChart oci: %v %+v", err, c)
	}
	versions, err := repo.ListVersions(ctx, repo.ChartRequest{Ref: ref, Version: "<2", Auth: repo.Auth{PlainHTTP: true}, Paths: p})
	if want := []string{"1.10.0", "1.3.0+build.7", "1.2.0", "1.0.0"}; err != nil || !reflect.DeepEqual(versions, want) {
		t.Errorf("ListVersions = %v, %v; want %v", versions, err, want)
	}
}

// TestOCIHelmInterop pushes with Helm's registry client and pulls with kpkg,
// and the reverse: the bytes and digests must agree.
func TestOCIHelmInterop(t *testing.T) {
	ctx := context.Background()
	host := repotest.StartRegistry(t, "")
	helm, err := helmregistry.NewClient(helmregistry.ClientOptPlainHTTP(), helmregistry.ClientOptCredentialsFile(filepath.Join(t.TempDir(), "c.json")), helmregistry.ClientOptWriter(&bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}})
	if err != nil {
		t.Fatal(err)
	}
	byHelm := demoArchive(t, "3.0.0")
	hres, err := helm.Push(byHelm, host+"/interop/demo:3.0.0")
	if err != nil {
		t.Fatal(err)
	}
	got, err := reg.Pull(ctx, "oci://"+host+"/interop/demo", "3.0.0", false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Data, byHelm) || got.ManifestDigest != hres.Manifest.Digest {
		t.Errorf("kpkg pull of a Helm push: bytes equal %v, digest %s vs Helm's %s", bytes.Equal(got.Data, byHelm), got.ManifestDigest, hres.Manifest.Digest)
	}

	byKpkg := demoArchive(t, "3.1.0")
	kres, err := reg.Push(ctx, byKpkg, "oci://"+host+"/interop", repo.PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hpull, err := helm.Pull(host + "/interop/demo:3.1.0")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(hpull.Chart.Data, byKpkg) || hpull.Manifest.Digest != kres.ManifestDigest {
		t.Errorf("Helm pull of a kpkg push: bytes equal %v, digest %s vs %s", bytes.Equal(hpull.Chart.Data, byKpkg), hpull.Manifest.Digest, kres.ManifestDigest)
	}
	if hpull.Chart.Meta.Name != "demo" || hpull.Chart.Meta.Version != "3.1.0" {
		t.Errorf("Helm read the config blob as %+v", hpull.Chart.Meta)
	}
}

// TestOCIRegistryErrors covers a registry that fails, one that holds
// something that is not a chart, and a missing chart.
func TestOCIRegistryErrors(t *testing.T) {
	ctx := context.Background()
	host := repotest.StartRegistry(t, "")
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	t.Cleanup(broken.Close)
	brokenHost := strings.TrimPrefix(broken.URL, "http://")
	reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}})
	if err != nil {
		t.Fatal(err)
	}
	pushImage(t, host, "images/demo", "1.0.0")
	tests := []struct {
		name, ref, version string
		want               []string
	}{
		{"server error", "oci://" + brokenHost + "/charts/demo", "1.0.0", []string{brokenHost + "/charts/demo:1.0.0", "500"}},
		{"server error listing tags", "oci://" + brokenHost + "/charts/demo", "^1", []string{brokenHost + "/charts/demo", "500"}},
		{"wrong media type", "oci://" + host + "/images/demo", "1.0.0", []string{host + "/images/demo:1.0.0", "not a Helm chart"}},
		{"missing chart", "oci://" + host + "/charts/nothing", "1.0.0", []string{host + "/charts/nothing:1.0.0", "not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dest := t.TempDir()
			_, err := repo.Pull(ctx, repo.ChartRequest{Ref: tt.ref, Version: tt.version, Auth: repo.Auth{PlainHTTP: true}}, repo.PullOptions{DestDir: dest})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if entries, _ := os.ReadDir(dest); len(entries) != 0 {
				t.Errorf("a failed pull left %d files", len(entries))
			}
		})
	}
	if _, err := reg.Push(ctx, demoArchive(t, "1.0.0"), "oci://"+brokenHost+"/charts", repo.PushOptions{}); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("push to a failing registry: %v", err)
	}
}

// pushImage stores a manifest whose config is a container image's, to check
// that kpkg refuses it as a chart.
func pushImage(t *testing.T, host, path, tag string) {
	t.Helper()
	config := []byte(`{"architecture":"amd64","os":"linux"}`)
	layer := []byte("not a chart")
	put := func(data []byte) string {
		d := sha(data)
		resp, err := http.Post(fmt.Sprintf("http://%s/v2/%s/blobs/uploads/", host, path), "", nil)
		if err != nil || resp.StatusCode != http.StatusAccepted {
			t.Fatalf("start upload: %v %v", err, resp)
		}
		resp.Body.Close()
		loc, _ := resp.Location()
		q := loc.Query()
		q.Set("digest", d)
		loc.RawQuery = q.Encode()
		req, _ := http.NewRequest(http.MethodPut, loc.String(), bytes.NewReader(data))
		req.Header.Set("Content-Type", "application/octet-stream")
		resp, err = http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload blob: %v %v", err, resp)
		}
		resp.Body.Close()
		return d
	}
	manifest := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":%q,"size":%d}]}`,
		put(config), len(config), put(layer), len(layer))
	req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("http://%s/v2/%s/manifests/%s", host, path, tag), strings.NewReader(manifest))
	req.Header.Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("put manifest: %v %v", err, resp)
	}
	resp.Body.Close()
}

// TestOCILogin checks login, credential storage and logout against a
// registry that requires basic auth.
func TestOCILogin(t *testing.T) {
	ctx := context.Background()
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	htpasswd := filepath.Join(t.TempDir(), "htpasswd")
	writeFile(t, htpasswd, "alice:"+string(hash)+"\n")
	host := repotest.StartRegistry(t, htpasswd)
	p := testPaths(t)
	reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}, CredentialsFile: p.RegistryConfig})
	if err != nil {
		t.Fatal(err)
	}
	archive := demoArchive(t, "1.0.0")
	var authErr *repo.AuthRequiredError
	if _, err := reg.Push(ctx, archive, "oci://"+host+"/private", repo.PushOptions{}); !errors.As(err, &authErr) || authErr.Host != host {
		t.Fatalf("anonymous push: %v, want an AuthRequiredError for %s", err, host)
	}
	if err := reg.Login(ctx, host, "alice", "wrong"); err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
	if _, err := os.Stat(p.RegistryConfig); err == nil {
		t.Error("a failed login stored credentials")
	}
	if err := reg.Login(ctx, host, "alice", "s3cret"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mustRead(t, p.RegistryConfig)), host) {
		t.Error("credentials file does not name the registry")
	}
	// A fresh client reads the stored credentials.
	reg2, err := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}, CredentialsFile: p.RegistryConfig})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg2.Push(ctx, archive, "oci://"+host+"/private", repo.PushOptions{}); err != nil {
		t.Fatalf("push after login: %v", err)
	}
	if err := reg2.Logout(ctx, host); err != nil {
		t.Fatal(err)
	}
	reg3, _ := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}, CredentialsFile: p.RegistryConfig})
	if _, err := reg3.Pull(ctx, "oci://"+host+"/private/demo", "1.0.0", false); err == nil {
		t.Error("pull after logout succeeded")
	}
}
