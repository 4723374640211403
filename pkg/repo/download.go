package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/provenance"
)

// ChartRequest says which chart to get and how. Ref is "REPO/CHART" (a
// configured repository), an http(s) URL of a .tgz, "oci://host/path/chart"
// or, with RepoURL, a bare chart name.
type ChartRequest struct {
	Ref string
	// Version is an exact version or a SemVer constraint; empty means the
	// newest stable version.
	Version string
	// Devel admits pre-releases when Version is empty.
	Devel bool
	// RepoURL looks Ref up in the repository at this URL without adding it.
	RepoURL string
	// Auth is used for RepoURL, plain URLs and registries; configured
	// repositories use their own credentials.
	Auth Auth
	// Paths locate repositories.yaml, the cache and registry credentials.
	Paths Paths
	// Provenance says whether to fetch the chart's provenance file and
	// verify the chart against it.
	Provenance ProvenanceOptions
}

// Fetched is a chart archive held in memory.
type Fetched struct {
	Chart *chart.Chart
	Data  []byte
	// Source is where the archive came from, for messages: a URL or an OCI
	// reference with its tag.
	Source string
	// Digest is "sha256:<hex>" of Data; for OCI, ManifestDigest is the
	// manifest's digest too.
	Digest         string
	ManifestDigest string
	// Prov is the provenance file, when ChartRequest.Provenance asked for
	// it and there is one; ProvSource is where it came from. ProvErr says
	// why there is none when one was asked for but not required.
	Prov       []byte
	ProvSource string
	ProvErr    error
	// Verification is what verifying the chart established, when
	// ChartRequest.Provenance.Verify.
	Verification *provenance.Verification
}

// Fetch downloads the chart req names. Archives from a repository index are
// checked against the index's digest; a mismatch is an error and nothing is
// returned.
func Fetch(ctx context.Context, req ChartRequest) (*Fetched, error) {
	switch {
	case IsOCI(req.Ref):
		return fetchOCI(ctx, req)
	case req.RepoURL != "":
		idx, err := fetchIndexFor(ctx, req.RepoURL, req.Auth)
		if err != nil {
			return nil, err
		}
		return fetchFromIndex(ctx, idx, repoSource{label: req.RepoURL, url: req.RepoURL, auth: req.Auth}, req.Ref, req)
	case strings.Contains(req.Ref, "://"): // http(s), or a downloader plugin's scheme
		f, err := newFetcher(req.Ref, req.Auth)
		if err != nil {
			return nil, err
		}
		data, err := f.get(ctx, req.Ref, maxChartSize)
		if err != nil {
			return nil, err
		}
		fetched, err := loadFetched(req.Ref, data)
		if err != nil {
			return nil, err
		}
		provURL, get := httpProvenance(f, req.Ref)
		if err := withProvenance(ctx, fetched, req.Provenance, urlBase(req.Ref), provURL, get); err != nil {
			return nil, err
		}
		return fetched, nil
	}
	repoName, chartName, ok := strings.Cut(req.Ref, "/")
	if !ok || chartName == "" || strings.Contains(chartName, "/") {
		return nil, fmt.Errorf("chart %q not found: it is not a local path, and not REPO/CHART, a URL or an oci:// reference", req.Ref)
	}
	rf, err := LoadRepoFile(req.Paths.RepositoryConfig)
	if err != nil {
		return nil, err
	}
	e := rf.Get(repoName)
	if e == nil {
		return nil, &RepoNotFoundError{Ref: req.Ref, Repo: repoName}
	}
	idx, err := LoadCachedIndex(req.Paths, repoName, nil)
	if err != nil {
		return nil, err
	}
	return fetchFromIndex(ctx, idx, repoSource{label: fmt.Sprintf("repository %q", repoName), url: e.URL, auth: e.Auth().withDownloaders(req.Auth)}, chartName, req)
}

type repoSource struct {
	label string
	url   string
	auth  Auth
}

func fetchIndexFor(ctx context.Context, repoURL string, a Auth) (*IndexFile, error) {
	_, idx, err := fetchIndex(ctx, repoURL, a, fmt.Sprintf("repository %s", repoURL))
	return idx, err
}

// fetchFromIndex picks a version of name from idx, downloads it and checks
// its digest.
func fetchFromIndex(ctx context.Context, idx *IndexFile, src repoSource, name string, req ChartRequest) (*Fetched, error) {
	cv, err := idx.Get(name, req.Version, req.Devel)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.label, err)
	}
	what := fmt.Sprintf("%s: chart %q version %q", src.label, name, cv.Version)
	if len(cv.URLs) == 0 {
		return nil, fmt.Errorf("%s: the index lists no download URL", what)
	}
	u, err := resolveURL(src.url, cv.URLs[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	f, err := newFetcher(src.url, src.auth)
	if err != nil {
		return nil, err
	}
	data, err := f.get(ctx, u, maxChartSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	got := digestOf(data)
	if cv.Digest != "" && strings.TrimPrefix(got, "sha256:") != strings.TrimPrefix(cv.Digest, "sha256:") {
		return nil, fmt.Errorf("%s: digest mismatch: the index says sha256:%s but %s has %s; nothing was saved", what, strings.TrimPrefix(cv.Digest, "sha256:"), u, got)
	}
	fetched, err := loadFetched(u, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if fetched.Chart.Name() != name || fetched.Chart.Metadata.Version != cv.Version {
		return nil, fmt.Errorf("%s: %s holds chart %q version %q instead", what, u, fetched.Chart.Name(), fetched.Chart.Metadata.Version)
	}
	provURL, get := httpProvenance(f, u)
	if err := withProvenance(ctx, fetched, req.Provenance, urlBase(u), provURL, get); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return fetched, nil
}

func loadFetched(source string, data []byte) (*Fetched, error) {
	c, err := chart.LoadArchive(source, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return &Fetched{Chart: c, Data: data, Source: source, Digest: digestOf(data)}, nil
}

func fetchOCI(ctx context.Context, req ChartRequest) (*Fetched, error) {
	reg, err := NewRegistry(RegistryOptions{Auth: req.Auth, CredentialsFile: req.Paths.RegistryConfig})
	if err != nil {
		return nil, err
	}
	p, err := reg.Pull(ctx, req.Ref, req.Version, req.Devel)
	if err != nil {
		return nil, err
	}
	f, err := loadFetched("oci://"+p.Ref, p.Data)
	if err != nil {
		return nil, err
	}
	f.Source, f.ManifestDigest = p.Ref, p.ManifestDigest
	get := func(context.Context) ([]byte, error) {
		if p.Prov == nil {
			return nil, fmt.Errorf("the manifest of %s has no layer of media type %s", p.Ref, ProvLayerMediaType)
		}
		return p.Prov, nil
	}
	// Helm names an archive pulled from a registry "<name>-<version>.tgz",
	// which is also what 'package' signs.
	if err := withProvenance(ctx, f, req.Provenance, chart.ArchiveName(f.Chart), "oci://"+p.Ref+" (provenance layer)", get); err != nil {
		return nil, err
	}
	return f, nil
}

// LoadChart loads req.Ref from disk when such a path exists, and otherwise
// fetches it (see Fetch). This is how every command that takes a CHART
// argument reads it. With req.Provenance.Verify a local path must be a
// chart archive with "<archive>.prov" beside it, and is checked against it.
func LoadChart(ctx context.Context, req ChartRequest) (*chart.Chart, error) {
	if !IsOCI(req.Ref) && req.RepoURL == "" {
		if _, err := os.Stat(req.Ref); err == nil && req.Provenance.Verify {
			return loadVerifiedArchive(ctx, req.Ref, req.Provenance)
		} else if err == nil {
			return chart.Load(req.Ref)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("load chart %s: %w", req.Ref, err)
		}
		if isPathLike(req.Ref) {
			return nil, fmt.Errorf("load chart: path %q not found", req.Ref)
		}
	}
	f, err := Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	return f.Chart, nil
}

// isPathLike tells references that can only be local paths ("./x", "/x",
// "x.tgz", "../x") from REPO/CHART.
func isPathLike(ref string) bool {
	if strings.Contains(ref, "://") {
		return false
	}
	return strings.HasPrefix(ref, ".") || strings.HasPrefix(ref, "/") || path.Ext(ref) == ".tgz" || strings.Count(ref, "/") > 1 || !strings.Contains(ref, "/")
}
