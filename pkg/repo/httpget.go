package repo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Auth is how to reach a repository or registry: credentials and TLS. The
// zero value means anonymous access with the system's trusted CAs.
type Auth struct {
	Username string
	Password string
	// CertFile and KeyFile are a client certificate for mutual TLS.
	CertFile string
	KeyFile  string
	// CAFile adds certificate authorities to the system pool.
	CAFile                string
	InsecureSkipTLSVerify bool
	// PassCredentialsAll sends credentials to every host, not only the
	// repository's own (a chart URL in the index may point elsewhere).
	PassCredentialsAll bool
	// PlainHTTP talks HTTP instead of HTTPS to OCI registries.
	PlainHTTP bool
	// Timeout bounds each request, from connecting to reading the last byte
	// of the answer; zero means DefaultTimeout.
	Timeout time.Duration
	// Downloaders returns the getter for a URL scheme other than http and
	// https (Helm's downloader plugins: s3://, gs://, ...), given these
	// credentials; nil means such URLs cannot be fetched.
	Downloaders Downloaders
}

// Getter fetches one URL, refusing content over limit bytes.
type Getter interface {
	Get(ctx context.Context, url string, limit int64) ([]byte, error)
}

// Downloaders finds the Getter for scheme with a's credentials; an unknown
// scheme is an error.
type Downloaders func(scheme string, a Auth) (Getter, error)

// withDownloaders is a with d's Downloaders: the credentials of a
// repository come from its entry, the plugins from the caller.
func (a Auth) withDownloaders(d Auth) Auth {
	a.Downloaders = d.Downloaders
	return a
}

// DefaultTimeout bounds every request to a repository or registry when
// Auth.Timeout is zero: Helm's default for index downloads (getter's 120 s).
const DefaultTimeout = 120 * time.Second

// Size limits for downloads: they bound memory when a server misbehaves.
const (
	maxIndexSize = 512 << 20
	maxChartSize = 100 << 20
	// maxManifestSize bounds an OCI manifest and each page of a tag list
	// (oras-go's own default).
	maxManifestSize = 4 << 20
	// maxTags bounds a registry's tag list, over all its pages.
	maxTags = 100_000
)

// httpClient builds a client honouring a's TLS settings and the proxy
// environment variables.
func (a Auth) httpClient() (*http.Client, error) {
	cfg := &tls.Config{InsecureSkipVerify: a.InsecureSkipTLSVerify} //nolint:gosec // only when the user asks
	if a.CAFile != "" {
		pem, err := os.ReadFile(a.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", a.CAFile)
		}
		cfg.RootCAs = pool
	}
	if a.CertFile != "" || a.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(a.CertFile, a.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("load client certificate %s / key %s: %w", a.CertFile, a.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr, Timeout: a.timeout()}, nil
}

// timeout is Timeout, else DefaultTimeout.
func (a Auth) timeout() time.Duration {
	if a.Timeout <= 0 {
		return DefaultTimeout
	}
	return a.Timeout
}

// fetcher downloads files of one HTTP repository.
type fetcher struct {
	client *http.Client
	auth   Auth
	base   *url.URL
}

func newFetcher(baseURL string, a Auth) (*fetcher, error) {
	base, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("repository URL %q is not valid: %w", baseURL, err)
	}
	client, err := a.httpClient()
	if err != nil {
		return nil, err
	}
	return &fetcher{client: client, auth: a, base: base}, nil
}

// get downloads target, refusing bodies over limit bytes. Credentials go
// only to the repository's own scheme and host unless PassCredentialsAll.
func (f *fetcher) get(ctx context.Context, target string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", target, err)
	}
	if s := req.URL.Scheme; s != "http" && s != "https" {
		if f.auth.Downloaders == nil {
			return nil, fmt.Errorf("get %s: no downloader for %s:// URLs", target, s)
		}
		return f.download(ctx, s, target, limit)
	}
	req.Header.Set("User-Agent", "kpkg")
	sameHost := req.URL.Scheme == f.base.Scheme && req.URL.Host == f.base.Host
	if f.auth.Username != "" && (f.auth.PassCredentialsAll || sameHost) {
		req.SetBasicAuth(f.auth.Username, f.auth.Password)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		if t := asTimeout(ctx, target, f.client.Timeout, err); t != nil {
			return nil, t
		}
		return nil, fmt.Errorf("GET %s: %w", target, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: server answered %s", target, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if t := asTimeout(ctx, target, f.client.Timeout, err); t != nil {
			return nil, t
		}
		return nil, fmt.Errorf("GET %s: %w", target, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("GET %s: response is larger than the %d bytes allowed", target, limit)
	}
	return data, nil
}

// download fetches a URL through the downloader of its scheme, with the
// repository's credentials only for the repository's own host unless
// PassCredentialsAll, as for HTTP.
func (f *fetcher) download(ctx context.Context, scheme, target string, limit int64) ([]byte, error) {
	a := f.auth
	if u, err := url.Parse(target); err == nil && !a.PassCredentialsAll && (u.Scheme != f.base.Scheme || u.Host != f.base.Host) {
		a.Username, a.Password = "", ""
	}
	g, err := a.Downloaders(scheme, a)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", target, err)
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout())
	defer cancel()
	data, err := g.Get(ctx, target, limit)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", target, err)
	}
	return data, nil
}

// resolveURL resolves ref against the repository URL base the way Helm
// does: base is treated as a directory and keeps its query string.
func resolveURL(base, ref string) (string, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("chart URL %q is not valid: %w", ref, err)
	}
	if r.IsAbs() {
		return ref, nil
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("repository URL %q is not valid: %w", base, err)
	}
	b.RawPath = strings.TrimSuffix(b.RawPath, "/") + "/"
	b.Path = strings.TrimSuffix(b.Path, "/") + "/"
	out := b.ResolveReference(r)
	out.RawQuery = b.RawQuery
	return out.String(), nil
}
