package repo

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	helmrepo "helm.sh/helm/v3/pkg/repo"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/fuzzcheck"
)

// FuzzParseIndex: kpkg must accept exactly the index files Helm's
// repo.LoadIndexFile accepts and read the same charts from them, at a cost
// proportional to the file.
func FuzzParseIndex(f *testing.F) {
	for _, tc := range indexCases {
		f.Add([]byte(tc.doc))
	}
	for _, tc := range verdictCases {
		f.Add([]byte(tc.doc))
	}
	if data, err := os.ReadFile("../../testdata/repo/index.yaml"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		fuzzcheck.Within(t, 10*time.Second, func() {
			fuzzcheck.Bounded(t, len(doc), 512, 8<<20, func() { _, _ = ParseIndex(doc, IndexLoadOptions{}) })
		})
		compareWithHelm(t, doc)
	})
}

// FuzzLoadRepoFile: repositories.yaml is read as Helm's repo.LoadFile
// reads it, entry for entry.
func FuzzLoadRepoFile(f *testing.F) {
	f.Add([]byte("apiVersion: v1\ngenerated: \"2024-01-02T03:04:05Z\"\nrepositories:\n- name: stable\n  url: https://charts.example.com\n  username: u\n  password: p\n  insecure_skip_tls_verify: true\n  pass_credentials_all: false\n"))
	f.Add([]byte("repositories:\n- name: a\n  url: 1\n- null\n"))
	f.Add([]byte("{}"))
	f.Add([]byte("apiVersion: v1\nrepositories: []\nunknown: x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "repositories.yaml")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		var got *RepoFile
		var err error
		fuzzcheck.Bounded(t, len(data), 512, 8<<20, func() { got, err = LoadRepoFile(p) })
		want, herr := helmrepo.LoadFile(p)
		if (err == nil) != (herr == nil) {
			t.Fatalf("verdicts differ:\nkpkg: %v\nhelm: %v", err, herr)
		}
		if err != nil {
			return
		}
		wantJSON, _ := json.Marshal(want.Repositories)
		var wantEntries []*Entry
		if err := json.Unmarshal(wantJSON, &wantEntries); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Repositories, wantEntries) && !(len(got.Repositories) == 0 && len(wantEntries) == 0) {
			t.Fatalf("entries differ:\nkpkg: %s\nhelm: %s", mustJSON(got.Repositories), wantJSON)
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// FuzzParseManifest: a registry's manifest is parsed, its chart layer
// picked and its tags read as versions without panics and in bounded
// memory.
func FuzzParseManifest(f *testing.F) {
	layer := ocispec.Descriptor{MediaType: ChartLayerMediaType, Digest: digest.FromString("x"), Size: 1}
	config := ocispec.Descriptor{MediaType: ConfigMediaType, Digest: digest.FromString("{}"), Size: 2}
	m, _ := json.Marshal(ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, Config: config, Layers: []ocispec.Descriptor{layer}})
	f.Add(m, "oci://registry.example.com/charts/demo:1.0.0", "1.0.0\n1.2.3_build.1\nlatest\nv1")
	f.Add([]byte(`{"schemaVersion":2,"config":{"mediaType":"x"},"layers":null}`), "oci://h/x@sha256:"+strings.Repeat("0", 64), "")
	f.Add([]byte(`[]`), "oci://", "1.0.0-rc.1+x")
	f.Fuzz(func(t *testing.T, raw []byte, ref, tags string) {
		fuzzcheck.Bounded(t, len(raw)+len(ref)+len(tags), 256, 4<<20, func() {
			if m, err := ParseManifest(raw); err == nil {
				if l, err := chartLayer(m); err == nil && l.MediaType != ChartLayerMediaType && l.MediaType != LegacyChartLayerMediaType {
					t.Fatalf("picked a layer of media type %q", l.MediaType)
				}
			}
			if r, err := parseOCIRef(ref); err == nil && (r.Registry == "" || r.Repository == "") {
				t.Fatalf("parsed %q without a registry or repository: %+v", ref, r)
			}
			for _, v := range parseTagVersions(strings.Split(tags, "\n")) {
				if v == nil {
					t.Fatal("nil version")
				}
			}
		})
	})
}

// fuzzRegistry is one registry for all iterations of FuzzRegistryAnswers:
// it serves the current input's manifest and tag list for every request.
var fuzzRegistry struct {
	once  sync.Once
	host  string
	input atomic.Pointer[registryAnswers]
}

type registryAnswers struct{ manifest, tags, blob []byte }

func startFuzzRegistry(t testing.TB) string {
	fuzzRegistry.once.Do(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			in := fuzzRegistry.input.Load()
			switch p := r.URL.Path; {
			case p == "/v2/":
			case strings.Contains(p, "/manifests/"):
				w.Header().Set("Content-Type", ocispec.MediaTypeImageManifest)
				w.Header().Set("Docker-Content-Digest", digest.FromBytes(in.manifest).String())
				w.Header().Set("Content-Length", itoa(len(in.manifest)))
				if r.Method == http.MethodGet {
					_, _ = w.Write(in.manifest)
				}
			case strings.HasSuffix(p, "/tags/list"):
				_, _ = w.Write(in.tags)
			case strings.Contains(p, "/blobs/"):
				_, _ = w.Write(in.blob)
			default:
				http.NotFound(w, r)
			}
		}))
		fuzzRegistry.host = strings.TrimPrefix(srv.URL, "http://")
	})
	return fuzzRegistry.host
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// FuzzRegistryAnswers pulls a chart and lists tags from a registry whose
// manifest and tag list are the fuzzer's: kpkg must not panic and must stay
// within its bounds whatever the registry says.
func FuzzRegistryAnswers(f *testing.F) {
	archive, err := os.ReadFile("../../testdata/repo/demo-0.1.0.tgz")
	if err != nil {
		archive = demoArchiveBytes(f)
	}
	layer := ocispec.Descriptor{MediaType: ChartLayerMediaType, Digest: digest.FromBytes(archive), Size: int64(len(archive))}
	config := ocispec.Descriptor{MediaType: ConfigMediaType, Digest: digest.FromString("{}"), Size: 2}
	m, _ := json.Marshal(ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, Config: config, Layers: []ocispec.Descriptor{layer}})
	m = append([]byte(`{"schemaVersion":2,`), m[1:]...)
	f.Add(m, []byte(`{"name":"charts/demo","tags":["0.1.0","0.2.0","latest"]}`))
	f.Add([]byte(`{"schemaVersion":2,"layers":[{"mediaType":"`+ChartLayerMediaType+`","size":4294967296,"digest":"sha256:`+strings.Repeat("a", 64)+`"}],"config":{"mediaType":"`+ConfigMediaType+`"}}`), []byte(`{"tags":null}`))
	f.Add([]byte(`{}`), []byte(`not json`))
	host := startFuzzRegistry(f)
	reg, err := NewRegistry(RegistryOptions{Auth: Auth{PlainHTTP: true, Timeout: 5 * time.Second}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, manifest, tags []byte) {
		fuzzRegistry.input.Store(&registryAnswers{manifest: manifest, tags: tags, blob: archive})
		ctx := context.Background()
		fuzzcheck.Within(t, 20*time.Second, func() {
			fuzzcheck.Bounded(t, len(manifest)+len(tags)+len(archive), 512, 32<<20, func() {
				_, _ = reg.Tags(ctx, "oci://"+host+"/charts/demo")
				if p, err := reg.Pull(ctx, "oci://"+host+"/charts/demo:0.1.0", "", false); err == nil && p.Chart == nil {
					t.Fatal("pulled without a chart")
				}
				_, _ = reg.Pull(ctx, "oci://"+host+"/charts/demo", ">0.0.0", false)
			})
		})
	})
}

// demoArchiveBytes packages the demo chart.
func demoArchiveBytes(t testing.TB) []byte {
	c, err := chart.Load("../../testdata/repo/demo")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := chart.WriteArchive(context.Background(), &b, c, chart.ArchiveOptions{}); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}
