package plugin

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDownloader(t *testing.T) {
	skipOnWindows(t)
	p, err := LoadDir(fixture(t, "testgetter"))
	if err != nil {
		t.Fatal(err)
	}
	other := &Plugin{Metadata: Metadata{Name: "other", Downloaders: []Downloader{{Command: "x", Protocols: []string{"s3"}}}}}
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "chart.tgz"), []byte("archive bytes"), 0o644)
	tests := []struct {
		name    string
		env     []string
		opts    DownloaderOptions
		url     string
		limit   int64
		want    string
		wantErr []string
	}{
		{name: "default root", url: "kpkgtest://any/hello.txt", want: "hello from kpkgtest\n"},
		{name: "root from env", env: []string{"KPKGTEST_ROOT=" + root}, url: "kpkgtest://h/chart.tgz", want: "archive bytes"},
		{name: "arguments and credentials", url: "kpkgtest://h/args",
			opts: DownloaderOptions{CertFile: "c.pem", CAFile: "ca.pem", Username: "u", Password: "p", PassCredentialsAll: true},
			want: "cert=c.pem key= ca=ca.pem\nuser=u password=p all=true\nplugin=testgetter\n"},
		{name: "missing", url: "kpkgtest://h/nope", wantErr: []string{`plugin "testgetter"`, "kpkgtest://h/nope", "exit status 1", "not found in"}},
		{name: "limit", url: "kpkgtest://h/hello.txt", limit: 5, wantErr: []string{"larger than the 5 bytes allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Env = testEnv(nil)
			opts.Env.Inherit = append(opts.Env.Inherit, tt.env...)
			g, err := NewDownloader([]*Plugin{other, p}, "kpkgtest", opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := g.Get(context.Background(), tt.url, tt.limit)
			if len(tt.wantErr) == 0 {
				if err != nil || string(got) != tt.want {
					t.Errorf("Get = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			for _, s := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), s) {
					t.Errorf("err = %v; want it to mention %q", err, s)
				}
			}
		})
	}
	if _, err := NewDownloader([]*Plugin{p}, "gs", DownloaderOptions{}); !errors.Is(err, ErrSchemeNotSupported) || !strings.Contains(err.Error(), `"gs"`) {
		t.Errorf("unknown scheme: err = %v", err)
	}
}

func TestHTTPGetter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Write([]byte("0123456789"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	g := HTTPGetter{}
	if got, err := g.Get(context.Background(), srv.URL+"/ok", 0); err != nil || string(got) != "0123456789" {
		t.Errorf("Get = %q, %v", got, err)
	}
	if _, err := g.Get(context.Background(), srv.URL+"/ok", 9); err == nil || !strings.Contains(err.Error(), "larger than the 9 bytes") {
		t.Errorf("over the limit: err = %v", err)
	}
	if _, err := g.Get(context.Background(), srv.URL+"/missing", 0); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: err = %v", err)
	}
}
