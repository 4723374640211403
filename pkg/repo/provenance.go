package repo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/provenance"
)

// ProvenanceOptions say what to do with a chart's provenance file: the
// "<chart URL>.prov" beside an archive in an HTTP repository, the
// provenance layer of an OCI manifest, or "<archive>.prov" beside a local
// archive. The zero value ignores provenance.
type ProvenanceOptions struct {
	// Fetch downloads the provenance file with the chart without checking
	// it. A chart that has none is still fetched; Fetched.ProvErr says why
	// none came.
	Fetch bool
	// Verify checks the chart against its provenance file with the keys in
	// Keyring before the chart is returned, so nothing unverified is ever
	// written. It implies Fetch, and a chart without a provenance file is
	// an error unless AllowMissing.
	Verify bool
	// Keyring is the file of trusted public keys; empty means
	// provenance.DefaultPublicKeyring(os.Getenv).
	Keyring string
	// AllowMissing, with Verify, accepts a chart that has no provenance
	// file at all (Fetched.ProvErr says so), as Helm does when building
	// dependencies; a provenance file that exists must still verify.
	AllowMissing bool
}

func (o ProvenanceOptions) keyring() string {
	if o.Keyring != "" {
		return o.Keyring
	}
	return provenance.DefaultPublicKeyring(os.Getenv)
}

// withProvenance gets f's provenance file through get when opts ask for
// it, and verifies f against it when opts.Verify. name is the archive base
// name the provenance file must sign; source says where the file came from.
func withProvenance(ctx context.Context, f *Fetched, opts ProvenanceOptions, name, source string, get func(context.Context) ([]byte, error)) error {
	if !opts.Fetch && !opts.Verify {
		return nil
	}
	data, err := get(ctx)
	if err != nil {
		if opts.Verify && !opts.AllowMissing {
			return fmt.Errorf("chart %s cannot be verified: no provenance file: %w", f.Source, err)
		}
		f.ProvErr = err
		return nil
	}
	f.Prov, f.ProvSource = data, source
	if !opts.Verify {
		return nil
	}
	p, err := provenance.ParseProvenance(source, data)
	if err != nil {
		return err
	}
	kr, err := provenance.LoadKeyring(ctx, opts.keyring())
	if err != nil {
		return err
	}
	v, err := kr.VerifyArchive(name, f.Data, p)
	if err != nil {
		return err
	}
	f.Verification = v
	return nil
}

// httpProvenance gets "<chartURL>.prov" from the chart's server. The
// suffix goes on the path, so a query string (a signed URL's token) stays
// a query string.
func httpProvenance(f *fetcher, chartURL string) (string, func(context.Context) ([]byte, error)) {
	provURL := chartURL + ".prov"
	if u, err := url.Parse(chartURL); err == nil {
		u.Path += ".prov"
		if u.RawPath != "" {
			u.RawPath += ".prov"
		}
		provURL = u.String()
	}
	return provURL, func(ctx context.Context) ([]byte, error) {
		return f.get(ctx, provURL, provenance.MaxProvenanceSize)
	}
}

// urlBase is the archive name Helm checks a download against: the last
// element of the URL's path.
func urlBase(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return path.Base(u.Path)
	}
	return path.Base(raw)
}

// loadVerifiedArchive loads the local chart archive at p after checking it
// against p + ".prov". The archive is read once, so what is verified is
// what is loaded.
func loadVerifiedArchive(ctx context.Context, p string, opts ProvenanceOptions) (*chart.Chart, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", p, err)
	}
	if fi.IsDir() || !strings.EqualFold(filepath.Ext(p), ".tgz") {
		return nil, fmt.Errorf("chart %s cannot be verified: only packaged charts (.tgz) carry provenance files", p)
	}
	data, err := readFileLimit(p, maxChartSize)
	if err != nil {
		return nil, err
	}
	f := &Fetched{Data: data, Source: p}
	get := func(context.Context) ([]byte, error) { return readFileLimit(p+".prov", provenance.MaxProvenanceSize) }
	if err := withProvenance(ctx, f, opts, filepath.Base(p), p+".prov", get); err != nil {
		return nil, err
	}
	return chart.LoadArchive(p, bytes.NewReader(data))
}

// readFileLimit reads a file of at most limit bytes.
func readFileLimit(p string, limit int64) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than the %d bytes allowed", p, limit)
	}
	return data, nil
}

// checkProvSigns refuses to publish a provenance file that signs another
// archive (a stale .prov left beside a re-packaged chart): it must list
// the archive's digest. The signature itself is for the puller to check.
func checkProvSigns(prov, archive []byte) error {
	p, err := provenance.ParseProvenance("provenance file", prov)
	if err != nil {
		return err
	}
	sum := provenance.Digest(archive)
	for _, d := range p.Files {
		if d == sum {
			return nil
		}
	}
	return fmt.Errorf("the provenance file does not sign this archive: it lists %s, the archive is %s", strings.Join(fileDigests(p), ", "), sum)
}

func fileDigests(p *provenance.Provenance) []string {
	var out []string
	for name, d := range p.Files {
		out = append(out, name+" "+d)
	}
	sort.Strings(out)
	return out
}

// fetchProvLayer fetches the manifest's provenance layer, if it has one.
// A provenance file is small; a layer that claims otherwise is refused
// before it is downloaded.
func fetchProvLayer(ctx context.Context, repo *remote.Repository, m *ocispec.Manifest) ([]byte, error) {
	for _, l := range m.Layers {
		if l.MediaType != ProvLayerMediaType {
			continue
		}
		if l.Size > provenance.MaxProvenanceSize {
			return nil, fmt.Errorf("provenance layer %s is %d bytes, over the %d allowed", l.Digest, l.Size, provenance.MaxProvenanceSize)
		}
		data, err := content.FetchAll(ctx, repo, l)
		if err != nil {
			return nil, fmt.Errorf("provenance layer: %w", err)
		}
		return data, nil
	}
	return nil, nil
}
