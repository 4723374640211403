// Package repotest starts the real servers kpkg's repository tests talk to:
// a static HTTP chart repository (optionally with basic auth and TLS) and the
// CNCF Distribution registry built from test/registry. Everything listens on
// 127.0.0.1 only and stops when the test ends.
package repotest

import (
	"bytes"
	"crypto/tls"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// ServeOptions choose how ServeDir serves.
type ServeOptions struct {
	// User and Pass turn on basic auth.
	User, Pass string
	// TLS serves HTTPS with a self-signed certificate.
	TLS bool
}

// ServeDir serves dir over HTTP(S) on 127.0.0.1, optionally behind basic
// auth. For TLS it returns the path of a CA file that trusts the server.
func ServeDir(t testing.TB, dir string, o ServeOptions) (url, caFile string) {
	t.Helper()
	files := http.FileServer(http.Dir(dir))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.User != "" {
			if u, p, ok := r.BasicAuth(); !ok || u != o.User || p != o.Pass {
				w.Header().Set("WWW-Authenticate", `Basic realm="charts"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		}
		files.ServeHTTP(w, r)
	})
	if !o.TLS {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL, ""
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemData, 0o644); err != nil {
		t.Fatal(err)
	}
	return srv.URL, caFile
}

// StartRegistry runs the CNCF Distribution registry built by
// `make registry-bin` (test/registry) on a free loopback port and returns
// "127.0.0.1:PORT". htpasswd, when set, turns on basic auth.
func StartRegistry(t testing.TB, htpasswd string) string {
	t.Helper()
	bin := os.Getenv("KPKG_TEST_REGISTRY")
	if bin == "" {
		t.Skip("KPKG_TEST_REGISTRY is not set: run 'make unit' (it builds test/registry) to run the OCI tests")
	}
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // never read the developer's own credentials
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	args := []string{"-addr", addr}
	if htpasswd != "" {
		args = append(args, "-htpasswd", htpasswd)
	}
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start registry %s: %v", bin, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/v2/"); err == nil {
			resp.Body.Close()
			return addr
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("registry did not come up on %s: %s", addr, stderr.String())
	return ""
}
