package plugin

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kpkg/kpkg/pkg/internal/boundedio"
)

// DefaultMaxDownload bounds a download when a Getter is given no limit.
const DefaultMaxDownload = 256 << 20

// downloaderStderrTail is how much of a downloader's stderr an error keeps.
const downloaderStderrTail = 16 << 10

// Getter fetches the content at a URL. limit bounds the size in bytes;
// zero or less means DefaultMaxDownload.
type Getter interface {
	Get(ctx context.Context, url string, limit int64) ([]byte, error)
}

func effectiveLimit(limit int64) int64 {
	if limit <= 0 {
		return DefaultMaxDownload
	}
	return limit
}

// HTTPGetter fetches http and https URLs. The zero value uses a client with
// Go's default transport (which honours the proxy variables).
type HTTPGetter struct {
	// Client is the HTTP client; nil means a plain client.
	Client *http.Client
}

// Get downloads url, refusing any answer but 200 and bodies over limit.
func (g HTTPGetter) Get(ctx context.Context, url string, limit int64) ([]byte, error) {
	limit = effectiveLimit(limit)
	client := g.Client
	if client == nil {
		client = &http.Client{}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	req.Header.Set("User-Agent", "kpkg")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: server answered %s", url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("GET %s: response is larger than the %d bytes allowed", url, limit)
	}
	return data, nil
}

// DownloaderOptions are what a downloader plugin receives besides the URL.
type DownloaderOptions struct {
	// Env is the plugin environment.
	Env Env
	// CertFile, KeyFile and CAFile are passed as the downloader's first
	// three arguments (empty strings when unset), as Helm passes them.
	CertFile, KeyFile, CAFile string
	// Username and Password reach the downloader as HELM_PLUGIN_USERNAME
	// and HELM_PLUGIN_PASSWORD.
	Username, Password string
	// PassCredentialsAll is HELM_PLUGIN_PASS_CREDENTIALS_ALL.
	PassCredentialsAll bool
}

// downloader is the Getter of one plugin's downloader entry.
type downloader struct {
	plugin  *Plugin
	command string
	opts    DownloaderOptions
}

// NewDownloader returns the Getter for URLs of scheme from the first plugin
// (in the order given, as Find returns them) that declares a downloader for
// it. Callers that also have built-in getters (http, https, oci) should try
// those first: Helm does not let a plugin replace them. When no plugin
// handles scheme the error wraps ErrSchemeNotSupported.
func NewDownloader(plugins []*Plugin, scheme string, opts DownloaderOptions) (Getter, error) {
	for _, p := range plugins {
		for _, d := range p.Metadata.Downloaders {
			for _, proto := range d.Protocols {
				if proto == scheme {
					return &downloader{plugin: p, command: d.Command, opts: opts}, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("%w %q", ErrSchemeNotSupported, scheme)
}

// Get runs the downloader as Helm does: the command's first word relative
// to the plugin directory (not expanded), its other words, then certFile,
// keyFile, caFile and the URL. Stdout is the content.
func (d *downloader) Get(ctx context.Context, url string, limit int64) ([]byte, error) {
	limit = effectiveLimit(limit)
	words := strings.Split(d.command, " ")
	prog := filepath.Join(d.plugin.Dir, words[0])
	args := append(append([]string{}, words[1:]...), d.opts.CertFile, d.opts.KeyFile, d.opts.CAFile, url)
	env, _ := d.opts.Env.pluginEnv(d.plugin, map[string]string{
		"HELM_PLUGIN_USERNAME":             d.opts.Username,
		"HELM_PLUGIN_PASSWORD":             d.opts.Password,
		"HELM_PLUGIN_PASS_CREDENTIALS_ALL": strconv.FormatBool(d.opts.PassCredentialsAll),
	})
	cmd := newProcess(ctx, prog, args, env)
	stdout := &boundedio.Limit{Max: limit}
	stderr := &boundedio.Tail{Max: downloaderStderrTail}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	fail := func(err error) error {
		return &ExecError{Plugin: d.plugin.Name(), What: fmt.Sprintf("downloader %s for %s", words[0], url), Stderr: stderr.String(), Err: err}
	}
	switch {
	case stdout.Exceeded():
		return nil, fail(fmt.Errorf("output is larger than the %d bytes allowed", limit))
	case ctx.Err() != nil:
		return nil, fail(ctx.Err())
	case err != nil:
		return nil, fail(err)
	}
	return stdout.Bytes(), nil
}
