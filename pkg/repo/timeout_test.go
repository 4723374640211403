package repo_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// silentServer accepts connections on 127.0.0.1 and never answers: the
// security review's server that made repo add hang forever.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// switchableRepo serves dir until hang is set, then answers index requests
// with headers and a body that never ends.
func switchableRepo(t *testing.T, dir string) (string, *atomic.Bool) {
	t.Helper()
	var hang atomic.Bool
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hang.Load() {
			files.ServeHTTP(w, r)
			return
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("apiVersion: v1\nentries:\n"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hang
}

const shortTimeout = 300 * time.Millisecond

// within runs fn and fails the test when it takes longer than limit.
func within(t *testing.T, limit time.Duration, fn func()) {
	t.Helper()
	start := time.Now()
	fn()
	if took := time.Since(start); took > limit {
		t.Fatalf("took %s, want under %s", took, limit)
	}
}

func wantTimeout(t *testing.T, err error, url string) {
	t.Helper()
	var te *repo.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("got %v, want a TimeoutError", err)
	}
	if !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), "no complete answer within 300ms") {
		t.Errorf("error does not name the URL and the timeout: %v", err)
	}
}

func TestAddRepoTimesOut(t *testing.T) {
	url := silentServer(t)
	p := testPaths(t)
	var err error
	within(t, 5*time.Second, func() {
		err = repo.AddRepo(context.Background(), p, repo.Entry{Name: "silent", URL: url}, repo.AddOptions{Timeout: shortTimeout})
	})
	wantTimeout(t, err, url+"/index.yaml")
	if _, err := os.Stat(p.RepositoryConfig); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("repositories.yaml was written: %v", err)
	}
}

// TestSlowServerHoldsNoLock: while one add waits on a silent server, other
// repository commands go ahead; the lock is taken only to write.
func TestSlowServerHoldsNoLock(t *testing.T) {
	silent := silentServer(t)
	good, _ := repotest.ServeDir(t, buildRepoDir(t, "1.0.0"), repotest.ServeOptions{})
	p := testPaths(t)
	ctx := context.Background()
	if err := repo.AddRepo(ctx, p, repo.Entry{Name: "first", URL: good}, repo.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	slow := make(chan error, 1)
	go func() {
		slow <- repo.AddRepo(ctx, p, repo.Entry{Name: "silent", URL: silent}, repo.AddOptions{Timeout: 2 * time.Second})
	}()
	time.Sleep(200 * time.Millisecond) // the slow add is waiting on the server now
	within(t, 2*time.Second, func() {
		if err := repo.AddRepo(ctx, p, repo.Entry{Name: "second", URL: good}, repo.AddOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := repo.UpdateRepos(ctx, p, "first"); err != nil {
			t.Fatal(err)
		}
		if err := repo.RemoveRepo(ctx, p, "first"); err != nil {
			t.Fatal(err)
		}
	})
	if err := <-slow; err == nil {
		t.Fatal("adding the silent repository succeeded")
	}
	f, err := repo.LoadRepoFile(p.RepositoryConfig)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Repositories) != 1 || f.Repositories[0].Name != "second" {
		t.Errorf("repositories: %+v", f.Repositories)
	}
}

// TestUpdateTimesOutAndKeepsTheCache: a server that starts an answer and
// never finishes it times out; the cached index stays as it was.
func TestUpdateTimesOutAndKeepsTheCache(t *testing.T) {
	url, hang := switchableRepo(t, buildRepoDir(t, "1.0.0"))
	p := testPaths(t)
	ctx := context.Background()
	if err := repo.AddRepo(ctx, p, repo.Entry{Name: "stable", URL: url}, repo.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, p.RepositoryCache)
	hang.Store(true)
	var results []repo.UpdateResult
	var err error
	within(t, 5*time.Second, func() {
		results, err = repo.UpdateReposWithOptions(ctx, p, repo.UpdateOptions{Timeout: shortTimeout})
	})
	if err != nil || len(results) != 1 {
		t.Fatalf("%v %+v", err, results)
	}
	wantTimeout(t, results[0].Err, url+"/index.yaml")
	if after := snapshot(t, p.RepositoryCache); len(after) != len(before) || after[p.CacheIndexFile("stable")] != before[p.CacheIndexFile("stable")] {
		t.Error("the cache changed")
	}
}

// TestEveryDownloadHasATimeout: chart downloads and registries time out
// too, with Auth.Timeout or the default.
func TestEveryDownloadHasATimeout(t *testing.T) {
	silent := silentServer(t)
	ctx := context.Background()
	a := repo.Auth{Timeout: shortTimeout, PlainHTTP: true}
	within(t, 5*time.Second, func() {
		_, err := repo.Fetch(ctx, repo.ChartRequest{Ref: silent + "/demo-1.0.0.tgz", Auth: a})
		wantTimeout(t, err, silent+"/demo-1.0.0.tgz")
	})
	within(t, 5*time.Second, func() {
		_, err := repo.Fetch(ctx, repo.ChartRequest{Ref: "demo", RepoURL: silent, Auth: a})
		wantTimeout(t, err, silent+"/index.yaml")
	})
	within(t, 5*time.Second, func() {
		reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: a})
		if err != nil {
			t.Fatal(err)
		}
		_, err = reg.Tags(ctx, "oci://"+strings.TrimPrefix(silent, "http://")+"/charts/demo")
		var ne net.Error
		if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("registry: got %v, want a timeout", err)
		}
	})
}
