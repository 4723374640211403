package hostile

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// kpkgBin is the binary under test, built once by TestMain, or the one
// KPKG_HOSTILE_BIN names (to measure another build on the same inputs).
var kpkgBin string

func TestMain(m *testing.M) {
	if p := os.Getenv("KPKG_HOSTILE_BIN"); p != "" {
		kpkgBin = p
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "kpkg-hostile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	kpkgBin = filepath.Join(dir, "kpkg")
	build := exec.Command("go", "build", "-o", kpkgBin, "../../cmd/kpkg")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build kpkg:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// addressLimit is the review's memory cap; KPKG_HOSTILE_AS (bytes) changes
// it, to see how far another build goes.
var addressLimit = func() int64 {
	var n int64 = 2 << 30
	if v := os.Getenv("KPKG_HOSTILE_AS"); v != "" {
		fmt.Sscan(v, &n)
	}
	return n
}()

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
	maxRSS         int64 // bytes
	took           time.Duration
}

// kpkg runs the binary with args in an empty configuration under the 2 GiB
// address-space limit (when prlimit is installed) and a deadline.
func kpkg(t *testing.T, env []string, args ...string) result {
	t.Helper()
	home := t.TempDir()
	cmdArgs := append([]string{kpkgBin}, args...)
	if p, err := exec.LookPath("prlimit"); err == nil {
		cmdArgs = append([]string{p, fmt.Sprintf("--as=%d", addressLimit), "--"}, cmdArgs...)
	}
	cmd := exec.Command(cmdArgs[0], cmdArgs[1:]...)
	cmd.Env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"), "PATH=" + os.Getenv("PATH")}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("kpkg %s: still running after 60 s", strings.Join(args, " "))
	}
	r := result{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode(), took: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss << 10
	}
	shown := make([]string, len(args))
	for i, a := range args {
		if len(a) > 60 {
			a = a[:57] + "..."
		}
		shown[i] = a
	}
	t.Logf("kpkg %s: exit %d in %s, peak RSS %d MB", strings.Join(shown, " "), r.code, r.took.Round(time.Millisecond), r.maxRSS>>20)
	return r
}

// wantError fails unless r is a failure whose single error line holds
// every one of want, within maxRSS.
func wantError(t *testing.T, r result, maxRSS int64, want ...string) {
	t.Helper()
	if r.code == 0 {
		t.Fatalf("succeeded; stdout:\n%.500s", r.stdout)
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "fatal error") {
		t.Fatalf("crashed:\n%.2000s", r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("error does not say %q:\n%.1000s", w, r.stderr)
		}
	}
	if r.maxRSS > maxRSS {
		t.Errorf("peak RSS %d MB, want under %d MB", r.maxRSS>>20, maxRSS>>20)
	}
}

// writeFiles writes name → content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ .Values.a | toJson | quote }}\n"

func simpleChart(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "c")
	writeFiles(t, dir, map[string]string{"Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n", "templates/cm.yaml": configMap})
	return dir
}

// TestDeepValues: 3 million nested brackets once overflowed the Go stack
// after 1 GB; kpkg now gives Helm's verdict (10,000 levels at most).
func TestDeepValues(t *testing.T) {
	dir := t.TempDir()
	deep := func(n int) string { return "a: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n" }
	files := map[string]string{"deep.yaml": deep(3_000_000), "deep20k.yaml": deep(20_000), "deep9k.yaml": deep(9_000)}
	writeFiles(t, dir, files)
	c := simpleChart(t)
	wantError(t, kpkg(t, nil, "template", "r", c, "-f", filepath.Join(dir, "deep.yaml")), 300<<20,
		"deep.yaml", "exceeded max depth of 10000")
	wantError(t, kpkg(t, nil, "template", "r", c, "-f", filepath.Join(dir, "deep20k.yaml")), 300<<20,
		"deep20k.yaml", "exceeded max depth of 10000")
	if r := kpkg(t, nil, "template", "r", c, "-f", filepath.Join(dir, "deep9k.yaml")); r.code != 0 {
		t.Errorf("9,000 levels, which Helm accepts, failed: %s", r.stderr)
	}
	wantError(t, kpkg(t, nil, "template", "r", c, "--set-json", "a="+strings.Repeat("[", 60_000)+strings.Repeat("]", 60_000)), 300<<20,
		"--set-json", "exceeded max depth")
	// fromYaml and fromJson report errors inside their result, as in Helm.
	writeFiles(t, c, map[string]string{"files/deep.yaml": deep(3_000_000), "files/deep.json": `{"a":` + strings.Repeat("[", 1_000_000) + strings.Repeat("]", 1_000_000) + "}",
		"templates/from.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f\ndata:\n  y: {{ (.Files.Get \"files/deep.yaml\" | fromYaml).Error | quote }}\n  j: {{ (.Files.Get \"files/deep.json\" | fromJson).Error | quote }}\n"})
	r := kpkg(t, []string{"KPKG_MAX_CHART_FILE_SIZE=16Mi"}, "template", "r", c)
	if r.code != 0 || !strings.Contains(r.stdout, "y: \"error converting YAML to JSON: yaml: exceeded max depth of 10000\"") || !strings.Contains(r.stdout, "exceeded max depth") || r.maxRSS > 400<<20 {
		t.Errorf("fromYaml/fromJson: exit %d, RSS %d MB\n%.1000s%.1000s", r.code, r.maxRSS>>20, r.stdout, r.stderr)
	}
}

// TestRecursiveTpl: Helm and kpkg once overflowed the stack at 1 GB.
func TestRecursiveTpl(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "t")
	writeFiles(t, dir, map[string]string{"Chart.yaml": "apiVersion: v2\nname: t\nversion: 0.1.0\n",
		"values.yaml": "x: '{{ tpl .Values.x . }}'\n", "templates/cm.yaml": "{{ tpl .Values.x . }}\n"})
	r := kpkg(t, nil, "template", "r", dir)
	wantError(t, r, 200<<20, "tpl calls nested more than 1000 deep")
	// One line of error, then Helm's hint for render failures.
	if first, rest, _ := strings.Cut(r.stderr, "\n"); !strings.Contains(first, "tpl calls nested") || strings.TrimSpace(rest) != "Use --debug flag to render out invalid YAML" {
		t.Errorf("error is not one line and Helm's hint:\n%.2000s", r.stderr)
	}
}

// TestFileDependencyCycle: 5 GB in 34 s before.
func TestFileDependencyCycle(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"a/Chart.yaml": "apiVersion: v2\nname: a\nversion: 0.1.0\ndependencies:\n- name: b\n  version: 0.1.0\n  repository: file://../b\n",
		"b/Chart.yaml": "apiVersion: v2\nname: b\nversion: 0.1.0\ndependencies:\n- name: a\n  version: 0.1.0\n  repository: file://../a\n",
	})
	for _, args := range [][]string{{"template", "r", filepath.Join(root, "a")}, {"dependency", "update", filepath.Join(root, "a")}, {"lint", filepath.Join(root, "a")}} {
		r := kpkg(t, nil, args...)
		if args[0] == "lint" {
			if !strings.Contains(r.stdout+r.stderr, "file:// dependencies form a cycle") || r.maxRSS > 200<<20 {
				t.Errorf("lint: %s%s", r.stdout, r.stderr)
			}
			continue
		}
		wantError(t, r, 200<<20, "file:// dependencies form a cycle")
		if r.took > 10*time.Second {
			t.Errorf("took %s", r.took)
		}
	}
}

// silentServer accepts connections and never answers.
func silentServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return "http://" + ln.Addr().String()
}

// TestSilentRepository: repo add and repo update hung forever holding the
// configuration lock.
func TestSilentRepository(t *testing.T) {
	url := silentServer(t)
	r := kpkg(t, nil, "repo", "add", "silent", url, "--timeout", "1s")
	wantError(t, r, 200<<20, url+"/index.yaml", "no complete answer within 1s", "--timeout")
	if r.took > 10*time.Second {
		t.Errorf("took %s", r.took)
	}
}

// zeroArchive packs a chart archive holding files of zeros and extra entries.
func zeroArchive(t *testing.T, name string, files, size int, extra map[string][]byte) []byte {
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(gz)
	add := func(n string, data []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	add(name+"/Chart.yaml", []byte(fmt.Sprintf("apiVersion: v2\nname: %s\nversion: 1.0.0\n", name)))
	zeros := make([]byte, size)
	for i := 0; i < files; i++ {
		add(fmt.Sprintf("%s/files/zero-%d", name, i), zeros)
	}
	for n, data := range extra {
		add(name+"/"+n, data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bomb is the review's 80 KB archive: 40 subchart archives of 95 MB of
// zeros each.
func bomb(t *testing.T) []byte {
	sub := zeroArchive(t, "sub", 19, 5<<20-1024, nil)
	extra := map[string][]byte{}
	for i := 0; i < 40; i++ {
		extra[fmt.Sprintf("charts/sub%02d-1.0.0.tgz", i)] = sub
	}
	return zeroArchive(t, "bomb", 0, 0, extra)
}

// TestArchiveBomb: every command went past 2 GB on it.
func TestArchiveBomb(t *testing.T) {
	data := bomb(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "bomb-1.0.0.tgz")
	if err := os.WriteFile(archive, data, 0o644); err != nil {
		t.Fatal(err)
	}
	want := []string{"bomb-1.0.0.tgz", "104857600 bytes allowed in total", "KPKG_MAX_CHART_SIZE"}
	wantError(t, kpkg(t, nil, "template", "r", archive), 400<<20, want...)
	wantError(t, kpkg(t, nil, "show", "chart", archive), 400<<20, want...)
	wantError(t, kpkg(t, nil, "lint", archive), 400<<20)
	wantError(t, kpkg(t, nil, "repo", "index", dir), 400<<20, want...)

	// pull --untar from a repository that serves it with a matching digest.
	sum := sha256.Sum256(data)
	index := fmt.Sprintf("apiVersion: v1\nentries:\n  bomb:\n  - apiVersion: v2\n    name: bomb\n    version: 1.0.0\n    urls: [bomb-1.0.0.tgz]\n    digest: %s\n", hex.EncodeToString(sum[:]))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "index.yaml") {
			_, _ = w.Write([]byte(index))
			return
		}
		_, _ = w.Write(data)
	}))
	defer srv.Close()
	out := t.TempDir()
	wantError(t, kpkg(t, nil, "pull", "bomb", "--repo", srv.URL, "--untar", "-d", out), 400<<20, "104857600 bytes allowed in total")
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("pull left %d entries in the destination", len(entries))
	}
}

// TestHugeOCILayer: a registry declaring a 4 GiB chart layer was read
// whole.
func TestHugeOCILayer(t *testing.T) {
	layer := ocispec.Descriptor{MediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", Digest: digest.FromString("layer"), Size: 4 << 30}
	config := ocispec.Descriptor{MediaType: "application/vnd.cncf.helm.config.v1+json", Digest: digest.FromString("{}"), Size: 2}
	manifest, _ := json.Marshal(ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, Config: config, Layers: []ocispec.Descriptor{layer}})
	manifest = append([]byte(`{"schemaVersion":2,`), manifest[1:]...)
	zeros := make([]byte, 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.Contains(p, "/manifests/"):
			w.Header().Set("Content-Type", ocispec.MediaTypeImageManifest)
			w.Header().Set("Docker-Content-Digest", digest.FromBytes(manifest).String())
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
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	wantError(t, kpkg(t, nil, "pull", "oci://"+host+"/charts/demo", "--version", "1.0.0", "--plain-http", "-d", t.TempDir()), 200<<20,
		"chart layer", "is 4294967296 bytes, over the 104857600 allowed")
}

// TestIndexVerdicts: index files Helm refuses are refused, with Helm's
// reason.
func TestIndexVerdicts(t *testing.T) {
	for name, tc := range map[string]struct{ index, want string }{
		"y as a key": {"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    y: 1\n", `unknown field "true"`},
		"duplicate":  {"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n  a: []\n", `key "a" already set in map`},
		"version: 1": {"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1\n", "cannot unmarshal number"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(tc.index)) }))
			defer srv.Close()
			wantError(t, kpkg(t, nil, "repo", "add", "r", srv.URL), 200<<20, "not a valid chart repository index", tc.want)
		})
	}
}
