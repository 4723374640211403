package repo_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// TestHTTPRepository runs add, update, search, fetch and pull against a real
// HTTP server in each transport variant.
func TestHTTPRepository(t *testing.T) {
	repoDir := buildRepoDir(t, "1.0.0", "1.1.0", "2.0.0-beta.1")
	tests := []struct {
		name  string
		serve repotest.ServeOptions
		auth  func(caFile string) repo.Auth
	}{
		{"plain", repotest.ServeOptions{}, func(string) repo.Auth { return repo.Auth{} }},
		{"basic-auth", repotest.ServeOptions{User: "alice", Pass: "s3cret"}, func(string) repo.Auth { return repo.Auth{Username: "alice", Password: "s3cret"} }},
		{"tls-ca-file", repotest.ServeOptions{TLS: true}, func(ca string) repo.Auth { return repo.Auth{CAFile: ca} }},
		{"tls-insecure", repotest.ServeOptions{TLS: true, User: "bob", Pass: "pw"}, func(string) repo.Auth {
			return repo.Auth{InsecureSkipTLSVerify: true, Username: "bob", Password: "pw"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			url, ca := repotest.ServeDir(t, repoDir, tt.serve)
			p := testPaths(t)
			a := tt.auth(ca)
			e := repo.Entry{Name: "demo-repo", URL: url, Username: a.Username, Password: a.Password, CAFile: a.CAFile, InsecureSkipTLSVerify: a.InsecureSkipTLSVerify}
			if err := repo.AddRepo(ctx, p, e, repo.AddOptions{}); err != nil {
				t.Fatal(err)
			}
			results, err := repo.UpdateRepos(ctx, p)
			if err != nil || len(results) != 1 || results[0].Err != nil {
				t.Fatalf("update: %v %+v", err, results)
			}
			if got := string(mustRead(t, p.CacheChartsFile("demo-repo"))); got != "demo\n" {
				t.Errorf("charts file = %q", got)
			}

			for _, c := range []struct {
				version string
				devel   bool
				want    string
			}{{"", false, "1.1.0"}, {"~1.0", false, "1.0.0"}, {"", true, "2.0.0-beta.1"}, {"1.0.0", false, "1.0.0"}} {
				f, err := repo.Fetch(ctx, repo.ChartRequest{Ref: "demo-repo/demo", Version: c.version, Devel: c.devel, Paths: p})
				if err != nil {
					t.Fatalf("fetch %q: %v", c.version, err)
				}
				if f.Chart.Metadata.Version != c.want {
					t.Errorf("fetch %q devel=%v: got %s, want %s", c.version, c.devel, f.Chart.Metadata.Version, c.want)
				}
				if orig := mustRead(t, filepath.Join(repoDir, "demo-"+c.want+".tgz")); !bytes.Equal(orig, f.Data) {
					t.Errorf("fetched bytes differ from the served archive")
				}
			}

			dest := t.TempDir()
			res, err := repo.Pull(ctx, repo.ChartRequest{Ref: "demo", RepoURL: url, Auth: a, Paths: p}, repo.PullOptions{DestDir: dest})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(mustRead(t, res.Path), mustRead(t, filepath.Join(repoDir, "demo-1.1.0.tgz"))) {
				t.Error("pulled archive differs from the served one")
			}
			res, err = repo.Pull(ctx, repo.ChartRequest{Ref: "demo-repo/demo", Version: "1.0.0", Paths: p}, repo.PullOptions{DestDir: dest, Untar: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := string(mustRead(t, filepath.Join(res.Path, "charts", "sub", "Chart.yaml"))); !strings.Contains(got, "name: sub") {
				t.Errorf("untarred subchart Chart.yaml = %q", got)
			}
		})
	}
}

func TestAddRepoRefusesBadRepositories(t *testing.T) {
	ctx := context.Background()
	goodDir := buildRepoDir(t, "1.0.0")
	authURL, _ := repotest.ServeDir(t, goodDir, repotest.ServeOptions{User: "u", Pass: "p"})
	notRepo, _ := repotest.ServeDir(t, t.TempDir(), repotest.ServeOptions{})
	brokenDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(brokenDir, "index.yaml"), []byte("apiVersion: v1\nentries:\n  demo:\n  - name: demo\n    version: [1.0"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken, _ := repotest.ServeDir(t, brokenDir, repotest.ServeOptions{})
	tests := []struct {
		name, url, user, pass, want string
	}{
		{"wrong password", authURL, "u", "nope", "401"},
		{"no index", notRepo, "", "", "404"},
		{"malformed index", broken, "", "", "not a valid chart repository index"},
		{"bad name", goodDir, "", "", "contains '/'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPaths(t)
			name := "r"
			if tt.name == "bad name" {
				name = "a/b"
			}
			err := repo.AddRepo(ctx, p, repo.Entry{Name: name, URL: tt.url, Username: tt.user, Password: tt.pass}, repo.AddOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if _, err := os.Stat(p.RepositoryConfig); err == nil {
				t.Error("a failed add wrote repositories.yaml")
			}
			if _, err := os.Stat(p.CacheIndexFile("r")); err == nil {
				t.Error("a failed add cached an index")
			}
		})
	}
}

func TestAddListRemove(t *testing.T) {
	ctx := context.Background()
	url, _ := repotest.ServeDir(t, buildRepoDir(t, "1.0.0"), repotest.ServeOptions{})
	p := testPaths(t)
	e := repo.Entry{Name: "one", URL: url}
	if err := repo.AddRepo(ctx, p, e, repo.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := repo.AddRepo(ctx, p, e, repo.AddOptions{}); err == nil || !strings.Contains(err.Error(), "same configuration") {
		t.Errorf("re-adding the same repo: %v", err)
	}
	changed := repo.Entry{Name: "one", URL: url + "/"}
	if err := repo.AddRepo(ctx, p, changed, repo.AddOptions{}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("adding a different repo under a taken name: %v", err)
	}
	if err := repo.AddRepo(ctx, p, changed, repo.AddOptions{ForceUpdate: true}); err != nil {
		t.Errorf("--force-update: %v", err)
	}
	f, err := repo.LoadRepoFile(p.RepositoryConfig)
	if err != nil || len(f.Repositories) != 1 || f.Repositories[0].URL != url+"/" {
		t.Fatalf("repositories.yaml after force update: %+v %v", f, err)
	}
	if fi, _ := os.Stat(p.RepositoryConfig); fi.Mode().Perm() != 0o600 {
		t.Errorf("repositories.yaml mode %v, want 0600 (it may hold passwords)", fi.Mode().Perm())
	}
	if err := repo.RemoveRepo(ctx, p, "missing"); err == nil || !strings.Contains(err.Error(), `no repo named "missing"`) {
		t.Errorf("remove unknown: %v", err)
	}
	if err := repo.RemoveRepo(ctx, p, "one"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p.CacheIndexFile("one")); !os.IsNotExist(err) {
		t.Errorf("cached index survived removal: %v", err)
	}
}

// TestConcurrentRepoChanges runs adds and updates at the same time; the file
// lock must keep every add and leave valid files behind.
func TestConcurrentRepoChanges(t *testing.T) {
	ctx := context.Background()
	url, _ := repotest.ServeDir(t, buildRepoDir(t, "1.0.0", "1.1.0"), repotest.ServeOptions{})
	p := testPaths(t)
	if err := repo.AddRepo(ctx, p, repo.Entry{Name: "base", URL: url}, repo.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- repo.AddRepo(ctx, p, repo.Entry{Name: fmt.Sprintf("r%d", i), URL: url}, repo.AddOptions{})
		}()
		go func() {
			defer wg.Done()
			_, err := repo.UpdateRepos(ctx, p)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	f, err := repo.LoadRepoFile(p.RepositoryConfig)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Repositories) != 9 {
		t.Errorf("%d repositories after 8 concurrent adds, want 9", len(f.Repositories))
	}
	if _, err := repo.LoadCachedIndex(p, "base", nil); err != nil {
		t.Errorf("cached index corrupted: %v", err)
	}
}

// TestBadInputLeavesStateAlone feeds broken servers and archives and checks
// that each error names the repository, chart and version, and that the
// configuration and cache are unchanged.
func TestBadInputLeavesStateAlone(t *testing.T) {
	ctx := context.Background()
	dir := buildRepoDir(t, "1.0.0", "1.1.0")
	url, _ := repotest.ServeDir(t, dir, repotest.ServeOptions{})
	p := testPaths(t)
	if err := repo.AddRepo(ctx, p, repo.Entry{Name: "stable", URL: url}, repo.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	index := string(mustRead(t, filepath.Join(dir, "index.yaml")))
	evil := evilArchive(t)
	tests := []struct {
		name    string
		prepare func()
		run     func() error
		want    []string
	}{
		{"truncated index", func() { writeFile(t, filepath.Join(dir, "index.yaml"), index[:len(index)/2]) },
			func() error { return firstErr(repo.UpdateRepos(ctx, p)) }, []string{`repository "stable"`, "not a valid chart repository index"}},
		{"malformed index", func() { writeFile(t, filepath.Join(dir, "index.yaml"), "apiVersion: v1\nentries: [\n") },
			func() error { return firstErr(repo.UpdateRepos(ctx, p)) }, []string{`repository "stable"`, "not a valid chart repository index"}},
		{"index without apiVersion", func() { writeFile(t, filepath.Join(dir, "index.yaml"), "entries: {}\n") },
			func() error { return firstErr(repo.UpdateRepos(ctx, p)) }, []string{`repository "stable"`, "no apiVersion"}},
		{"digest mismatch", func() {
			writeFile(t, filepath.Join(dir, "demo-1.1.0.tgz"), string(mustRead(t, filepath.Join(dir, "demo-1.0.0.tgz"))))
		},
			func() error { return pullErr(ctx, p, "stable/demo", "1.1.0") }, []string{`repository "stable"`, `chart "demo" version "1.1.0"`, "digest mismatch"}},
		{"archive with ../ entries", func() {
			writeFile(t, filepath.Join(dir, "demo-1.1.0.tgz"), evil)
			serveDigest(t, ctx, p, dir, index, "1.1.0", evil)
		},
			func() error { return pullErr(ctx, p, "stable/demo", "1.1.0") }, []string{`repository "stable"`, `chart "demo" version "1.1.0"`, "leaves the chart directory"}},
		{"chart 404", func() { _ = os.Remove(filepath.Join(dir, "demo-1.0.0.tgz")) },
			func() error { return pullErr(ctx, p, "stable/demo", "1.0.0") }, []string{`repository "stable"`, `chart "demo" version "1.0.0"`, "404"}},
		{"unknown version", func() {},
			func() error { return pullErr(ctx, p, "stable/demo", "9.9.9") }, []string{`repository "stable"`, `"demo"`, `"9.9.9"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dest := t.TempDir()
			tt.prepare()
			before := snapshot(t, filepath.Dir(p.RepositoryConfig), p.RepositoryCache, dest)
			err := tt.run()
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if after := snapshot(t, filepath.Dir(p.RepositoryConfig), p.RepositoryCache, dest); !reflect.DeepEqual(before, after) {
				t.Error("configuration or cache changed")
			}
			writeFile(t, filepath.Join(dir, "index.yaml"), index)
		})
	}
}

func firstErr(results []repo.UpdateResult, err error) error {
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.Err != nil {
			return r.Err
		}
	}
	return nil
}

func pullErr(ctx context.Context, p repo.Paths, ref, version string) error {
	dest, _ := os.MkdirTemp("", "kpkg-pull-")
	defer os.RemoveAll(dest)
	_, err := repo.Pull(ctx, repo.ChartRequest{Ref: ref, Version: version, Paths: p}, repo.PullOptions{DestDir: dest})
	if err == nil {
		if entries, _ := os.ReadDir(dest); len(entries) == 0 {
			return fmt.Errorf("pull reported success but wrote nothing")
		}
	}
	return err
}

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// evilArchive is a chart archive with an entry that climbs out of the chart.
func evilArchive(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range map[string]string{"demo/Chart.yaml": "apiVersion: v2\nname: demo\nversion: 1.1.0\n", "demo/../../escape.txt": "gotcha"} {
		_ = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		_, _ = tw.Write([]byte(body))
	}
	_ = tw.Close()
	_ = gz.Close()
	return buf.String()
}

// serveDigest makes the served index list data's digest for demo version,
// and refreshes the cache so that only the archive itself is wrong.
func serveDigest(t *testing.T, ctx context.Context, p repo.Paths, dir, index, version, data string) {
	t.Helper()
	idx, err := repo.ParseIndex([]byte(index), repo.IndexLoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cv, err := idx.Get("demo", version, false)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(data))
	writeFile(t, filepath.Join(dir, "index.yaml"), strings.Replace(index, cv.Digest, hex.EncodeToString(sum[:]), 1))
	if err := firstErr(repo.UpdateRepos(ctx, p)); err != nil {
		t.Fatal(err)
	}
}
