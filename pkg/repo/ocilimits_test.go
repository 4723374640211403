package repo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/kpkg/kpkg/pkg/repo"
)

// hostileRegistry is a registry that lies: its chart manifest declares a
// layer of layerSize bytes and serves zeros for it without end, its
// manifest for tag "big" claims bigManifest bytes, and its tag list pages
// forever.
func hostileRegistry(t *testing.T, layerSize int64) string {
	t.Helper()
	layer := ocispec.Descriptor{MediaType: repo.ChartLayerMediaType, Digest: digest.FromString("layer"), Size: layerSize}
	config := ocispec.Descriptor{MediaType: repo.ConfigMediaType, Digest: digest.FromString("config"), Size: 2}
	manifest, _ := json.Marshal(ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, Config: config, Layers: []ocispec.Descriptor{layer}})
	manifest = append([]byte(`{"schemaVersion":2,`), manifest[1:]...)
	manifestDigest := digest.FromBytes(manifest)
	zeros := make([]byte, 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/v2/":
		case strings.HasSuffix(p, "/manifests/big"):
			w.Header().Set("Content-Type", ocispec.MediaTypeImageManifest)
			w.Header().Set("Docker-Content-Digest", digest.FromString("big").String())
			w.Header().Set("Content-Length", fmt.Sprint(1<<30))
			if r.Method == http.MethodGet {
				for r.Context().Err() == nil {
					if _, err := w.Write(zeros); err != nil {
						return
					}
				}
			}
		case strings.Contains(p, "/manifests/"):
			w.Header().Set("Content-Type", ocispec.MediaTypeImageManifest)
			w.Header().Set("Docker-Content-Digest", manifestDigest.String())
			w.Header().Set("Content-Length", fmt.Sprint(len(manifest)))
			if r.Method == http.MethodGet {
				_, _ = w.Write(manifest)
			}
		case strings.Contains(p, "/blobs/"):
			for r.Context().Err() == nil {
				if _, err := w.Write(zeros); err != nil {
					return
				}
			}
		case strings.HasSuffix(p, "/tags/list"):
			page := r.URL.Query().Get("last")
			var tags []string
			for i := 0; i < 1000; i++ {
				tags = append(tags, fmt.Sprintf("1.%s%d.0", strings.TrimPrefix(page, "1."), i))
			}
			w.Header().Set("Link", fmt.Sprintf(`<%s?last=%s&n=1000>; rel="next"`, p, tags[len(tags)-1]))
			_ = json.NewEncoder(w).Encode(map[string]any{"name": "charts/demo", "tags": tags})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// TestOCIRegistryAnswersAreBounded: a registry that declares a 4 GiB chart
// layer, a 1 GiB manifest or an endless tag list is refused without
// downloading it.
func TestOCIRegistryAnswersAreBounded(t *testing.T) {
	host := hostileRegistry(t, 4<<30)
	reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"a 4 GiB chart layer", func() error {
			_, err := reg.Pull(ctx, "oci://"+host+"/charts/demo:1.0.0", "", false)
			return err
		}, "chart layer sha256:" + digest.FromString("layer").Encoded() + " is 4294967296 bytes, over the 104857600 allowed"},
		{"a 1 GiB manifest", func() error {
			_, err := reg.Pull(ctx, "oci://"+host+"/charts/demo:big", "", false)
			return err
		}, "is 1073741824 bytes, over the 4194304 allowed"},
		{"an endless tag list", func() error {
			_, err := reg.Tags(ctx, "oci://"+host+"/charts/demo")
			return err
		}, "lists more than the 100000 tags allowed"},
		{"an endless tag list while picking a version", func() error {
			_, err := reg.Pull(ctx, "oci://"+host+"/charts/demo", "^1", false)
			return err
		}, "lists more than the 100000 tags allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := tc.run()
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
		})
	}
}

// TestOCILayerLargerThanDeclared: a layer that sends more than its
// declared size is cut off at the declared size by oras-go.
func TestOCILayerLargerThanDeclared(t *testing.T) {
	host := hostileRegistry(t, 1<<20)
	reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = reg.Pull(context.Background(), "oci://"+host+"/charts/demo:1.0.0", "", false)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("pull succeeded")
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("allocated %d MB: %v", alloc>>20, err)
	}
}

func TestParseManifestBounded(t *testing.T) {
	if _, err := repo.ParseManifest([]byte(`{"schemaVersion":2,"annotations":{"a":"` + strings.Repeat("x", 5<<20) + `"}}`)); err == nil || !strings.Contains(err.Error(), "over the 4194304 allowed") {
		t.Fatalf("got %v", err)
	}
}
