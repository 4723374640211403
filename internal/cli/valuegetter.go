package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/plugin"
	"github.com/kpkg/kpkg/pkg/repo"
)

// maxValuesDownload bounds a values file fetched from a URL.
const maxValuesDownload = 64 << 20

// valuesHTTPTimeout is Helm's timeout for its HTTP getter.
const valuesHTTPTimeout = 120 * time.Second

// valueFileReader reads -f and --set-file sources as Helm does: a URL whose
// scheme has a getter (http and https, or a scheme a downloader plugin
// declares) is downloaded; anything else, an unknown scheme included, is a
// local file. Downloader plugins are used even with HELM_NO_PLUGINS, as in
// Helm.
func valueFileReader(cmd *cobra.Command) func(context.Context, string) ([]byte, error) {
	return func(ctx context.Context, name string) ([]byte, error) {
		u, err := url.Parse(name)
		if err != nil {
			return nil, err
		}
		switch u.Scheme {
		case "":
			return os.ReadFile(name)
		case "http", "https":
			get := plugin.HTTPGetter{Client: &http.Client{Timeout: valuesHTTPTimeout}}
			return get.Get(ctx, name, maxValuesDownload)
		case "oci":
			return nil, fmt.Errorf("%s: values cannot be read from an OCI registry", name)
		}
		get, err := downloaderFor(cmd, u.Scheme)
		if errors.Is(err, plugin.ErrSchemeNotSupported) {
			return os.ReadFile(name)
		}
		if err != nil {
			return nil, err
		}
		return get.Get(ctx, name, maxValuesDownload)
	}
}

// downloaderFor is the getter of the first installed plugin that declares
// a downloader for scheme, run with Helm's variables.
func downloaderFor(cmd *cobra.Command, scheme string) (plugin.Getter, error) {
	return repoDownloaders(cmd)(scheme, repo.Auth{})
}

// repoDownloaders finds downloader plugins for the URLs of repositories,
// charts and dependencies whose scheme is not http(s), handing them the
// repository's credentials as Helm does.
func repoDownloaders(cmd *cobra.Command) repo.Downloaders {
	return func(scheme string, a repo.Auth) (repo.Getter, error) {
		s := envSettings(cmd)
		plugins, _ := plugin.Find(s.PluginDirs()) // unreadable plugins are skipped, as in Helm
		s.Namespace = newKubeFlags(s).namespace()
		return plugin.NewDownloader(plugins, scheme, plugin.DownloaderOptions{
			Env:      plugin.Env{Vars: s.VarMap(), Inherit: os.Environ()},
			CertFile: a.CertFile, KeyFile: a.KeyFile, CAFile: a.CAFile,
			Username: a.Username, Password: a.Password, PassCredentialsAll: a.PassCredentialsAll,
		})
	}
}
