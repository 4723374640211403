package repo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
	"oras.land/oras-go/v2/registry/remote/errcode"

	"github.com/kpkg/kpkg/pkg/chart"
)

// Helm's media types for charts in OCI registries.
const (
	ConfigMediaType           = "application/vnd.cncf.helm.config.v1+json"
	ChartLayerMediaType       = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
	ProvLayerMediaType        = "application/vnd.cncf.helm.chart.provenance.v1.prov"
	LegacyChartLayerMediaType = "application/tar+gzip"
)

// RegistryOptions configure a Registry. The zero value talks HTTPS,
// anonymously or with credentials from Docker's config.
type RegistryOptions struct {
	// Auth holds TLS settings, PlainHTTP and, when Username is set, static
	// credentials that override the credentials store.
	Auth Auth
	// CredentialsFile is kpkg's registry config.json (Paths.RegistryConfig).
	// Empty means only Docker's own config is consulted.
	CredentialsFile string
}

// Registry pushes and pulls charts to and from OCI registries in Helm's
// layout: an image manifest whose config is the chart's metadata as JSON
// and whose single layer is the chart archive.
type Registry struct {
	opts   RegistryOptions
	client *http.Client
	store  credentials.Store
}

// NewRegistry prepares a client; it contacts nothing yet.
func NewRegistry(opts RegistryOptions) (*Registry, error) {
	client, err := opts.Auth.httpClient()
	if err != nil {
		return nil, err
	}
	storeOpts := credentials.StoreOptions{AllowPlaintextPut: true, DetectDefaultNativeStore: true}
	var stores []credentials.Store
	if opts.CredentialsFile != "" {
		own, err := credentials.NewStore(opts.CredentialsFile, storeOpts)
		if err != nil {
			return nil, fmt.Errorf("registry credentials %s: %w", opts.CredentialsFile, err)
		}
		stores = append(stores, own)
	}
	// Docker's config (and its credential helpers) is read as a fallback;
	// a broken one is not kpkg's to fix, so it is skipped.
	if docker, err := credentials.NewStoreFromDocker(credentials.StoreOptions{}); err == nil {
		stores = append(stores, docker)
	}
	var store credentials.Store = credentials.NewMemoryStore()
	if len(stores) > 0 {
		store = credentials.NewStoreWithFallbacks(stores[0], stores[1:]...)
	}
	return &Registry{opts: opts, client: client, store: store}, nil
}

func (r *Registry) authClient() *auth.Client {
	c := &auth.Client{Client: r.client, Cache: auth.NewCache(), Header: http.Header{"User-Agent": {"kpkg"}}}
	if r.opts.Auth.Username != "" {
		cred := auth.Credential{Username: r.opts.Auth.Username, Password: r.opts.Auth.Password}
		c.Credential = func(context.Context, string) (auth.Credential, error) { return cred, nil }
	} else {
		c.Credential = credentials.Credential(r.store)
	}
	return c
}

// withLoginHint adds what to do when a registry wants credentials that
// kpkg does not have.
func withLoginHint(err error, host string) error {
	if err == nil {
		return nil
	}
	var resp *errcode.ErrorResponse
	if errors.Is(err, auth.ErrBasicCredentialNotFound) || (errors.As(err, &resp) && resp.StatusCode == http.StatusUnauthorized) {
		return &AuthRequiredError{Host: host, Err: err}
	}
	return err
}

func (r *Registry) repository(ref ociRef) (*remote.Repository, error) {
	repo, err := remote.NewRepository(ref.repoString())
	if err != nil {
		return nil, fmt.Errorf("oci://%s: %w", ref.repoString(), err)
	}
	repo.PlainHTTP = r.opts.Auth.PlainHTTP
	repo.Client = r.authClient()
	// Manifests and each page of tags, as oras-go reads them.
	repo.MaxMetadataBytes = maxManifestSize
	return repo, nil
}

// openForPull parses rawRef and opens its repository, asking the registry
// for pull access up front so that token auth needs one round trip.
func (r *Registry) openForPull(ctx context.Context, rawRef string) (context.Context, ociRef, *remote.Repository, error) {
	ref, err := parseOCIRef(rawRef)
	if err != nil {
		return ctx, ref, nil, err
	}
	repo, err := r.repository(ref)
	if err != nil {
		return ctx, ref, nil, err
	}
	return auth.AppendRepositoryScope(ctx, repo.Reference, auth.ActionPull), ref, repo, nil
}

// PushOptions control Push. The zero value stamps the manifest with the
// current time, as Helm does.
type PushOptions struct {
	// Created is the org.opencontainers.image.created annotation; set it
	// (e.g. from SOURCE_DATE_EPOCH) for reproducible manifest digests.
	Created time.Time
	// Prov is the chart's provenance file; when set it is pushed as a
	// layer of media type ProvLayerMediaType, as Helm does. It must sign
	// the archive's digest.
	Prov []byte
}

// PushResult names what was pushed.
type PushResult struct {
	// Ref is "host/path/chart:tag".
	Ref            string
	ManifestDigest string
	ChartDigest    string
	// ProvDigest is the provenance layer's digest, when one was pushed.
	ProvDigest string
	Chart      *chart.Metadata
}

// Push uploads the chart archive data to "<remote>/<name>:<version>", where
// remote is "oci://host/path".
func (r *Registry) Push(ctx context.Context, data []byte, remoteURL string, opts PushOptions) (*PushResult, error) {
	c, err := chart.LoadArchive("chart archive", bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("push to %s: %w", remoteURL, err)
	}
	md := c.Metadata
	if !IsOCI(remoteURL) {
		return nil, fmt.Errorf("push: %q is not an oci:// reference", remoteURL)
	}
	target := strings.TrimSuffix(remoteURL, "/") + "/" + md.Name + ":" + tagFor(md.Version)
	ref, err := parseOCIRef(target)
	if err != nil {
		return nil, err
	}
	repo, err := r.repository(ref)
	if err != nil {
		return nil, err
	}
	config, err := json.Marshal(md)
	if err != nil {
		return nil, fmt.Errorf("push %s: serialise chart metadata: %w", target, err)
	}
	configDesc := content.NewDescriptorFromBytes(ConfigMediaType, config)
	layerDesc := content.NewDescriptorFromBytes(ChartLayerMediaType, data)
	blobs := []pushedBlob{{layerDesc, data}, {configDesc, config}}
	layers := []ocispec.Descriptor{layerDesc}
	var provDigest string
	if opts.Prov != nil {
		if err := checkProvSigns(opts.Prov, data); err != nil {
			return nil, fmt.Errorf("push %s: %w", target, err)
		}
		provDesc := content.NewDescriptorFromBytes(ProvLayerMediaType, opts.Prov)
		blobs = append(blobs, pushedBlob{provDesc, opts.Prov})
		layers = append(layers, provDesc)
		provDigest = provDesc.Digest.String()
		// Helm orders layers by digest, so the same chart and provenance
		// give the same manifest digest from either tool.
		sort.Slice(layers, func(i, j int) bool { return layers[i].Digest < layers[j].Digest })
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	manifest, err := json.Marshal(ocispec.Manifest{
		Versioned:   specs.Versioned{SchemaVersion: 2},
		Config:      configDesc,
		Layers:      layers,
		Annotations: ociAnnotations(md, created.UTC().Format(time.RFC3339)),
	})
	if err != nil {
		return nil, fmt.Errorf("push %s: serialise manifest: %w", target, err)
	}
	manifestDesc := content.NewDescriptorFromBytes(ocispec.MediaTypeImageManifest, manifest)
	ctx = auth.AppendRepositoryScope(ctx, repo.Reference, auth.ActionPull, auth.ActionPush)
	for _, blob := range blobs {
		if err := pushBlob(ctx, repo, blob.desc, blob.data); err != nil {
			return nil, fmt.Errorf("push %s: %w", target, withLoginHint(err, ref.Registry))
		}
	}
	if err := repo.PushReference(ctx, manifestDesc, bytes.NewReader(manifest), ref.tag); err != nil {
		return nil, fmt.Errorf("push %s: manifest: %w", target, withLoginHint(err, ref.Registry))
	}
	return &PushResult{Ref: ref.repoString() + ":" + ref.tag, ManifestDigest: manifestDesc.Digest.String(), ChartDigest: layerDesc.Digest.String(), ProvDigest: provDigest, Chart: md}, nil
}

// pushedBlob is one blob of a chart's manifest.
type pushedBlob struct {
	desc ocispec.Descriptor
	data []byte
}

func pushBlob(ctx context.Context, repo *remote.Repository, desc ocispec.Descriptor, data []byte) error {
	exists, err := repo.Exists(ctx, desc)
	if err != nil {
		return fmt.Errorf("blob %s: %w", desc.Digest, err)
	}
	if exists {
		return nil
	}
	if err := repo.Push(ctx, desc, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("blob %s: %w", desc.Digest, err)
	}
	return nil
}

// ociAnnotations are the manifest annotations Helm writes: the chart's own
// annotations plus the OCI image ones derived from Chart.yaml, which the
// chart may not override.
func ociAnnotations(md *chart.Metadata, created string) map[string]string {
	out := map[string]string{}
	for k, v := range md.Annotations {
		out[k] = v
	}
	set := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	set(ocispec.AnnotationDescription, md.Description)
	set(ocispec.AnnotationTitle, md.Name)
	set(ocispec.AnnotationVersion, md.Version)
	set(ocispec.AnnotationURL, md.Home)
	set(ocispec.AnnotationCreated, created)
	if len(md.Sources) > 0 {
		set(ocispec.AnnotationSource, md.Sources[0])
	}
	var authors []string
	for _, m := range md.Maintainers {
		a := m.Name
		if m.Email != "" {
			a += " (" + m.Email + ")"
		}
		authors = append(authors, a)
	}
	set(ocispec.AnnotationAuthors, strings.Join(authors, ", "))
	return out
}

// Pulled is a chart fetched from a registry.
type Pulled struct {
	// Ref is "host/path/chart:tag" (or "@digest" when pulled by digest).
	Ref            string
	ManifestDigest string
	Data           []byte
	Chart          *chart.Metadata
	// Prov is the provenance layer, when the manifest has one. It is
	// unchecked here; verifying it is the caller's choice.
	Prov []byte
}

// Pull fetches ref ("oci://host/path/chart[:tag][@digest]"). Without a tag
// or digest, version picks the tag: an exact version, or the newest tag that
// satisfies a SemVer constraint (pre-releases only with devel).
func (r *Registry) Pull(ctx context.Context, rawRef, version string, devel bool) (*Pulled, error) {
	ctx, ref, repo, err := r.openForPull(ctx, rawRef)
	if err != nil {
		return nil, err
	}
	target, err := r.pickReference(ctx, repo, ref, version, devel)
	if err != nil {
		return nil, err
	}
	name := ref.repoString() + target
	manifestDesc, err := repo.Resolve(ctx, strings.TrimLeft(target, ":@"))
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", name, withLoginHint(err, ref.Registry))
	}
	manifest, err := fetchManifest(ctx, repo, manifestDesc)
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", name, err)
	}
	layer, err := chartLayer(manifest)
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", name, err)
	}
	// The size is the registry's word; a layer that claims too much is
	// refused before the download, and oras-go stops one that sends more
	// than it claimed.
	if layer.Size > maxChartSize {
		return nil, fmt.Errorf("chart %s: chart layer %s is %d bytes, over the %d allowed", name, layer.Digest, layer.Size, int64(maxChartSize))
	}
	data, err := content.FetchAll(ctx, repo, layer)
	if err != nil {
		return nil, fmt.Errorf("chart %s: chart layer: %w", name, err)
	}
	c, err := chart.LoadArchive("oci://"+name, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if version != "" && ref.digest != "" {
		if err := checkVersion(c.Metadata.Version, version, devel); err != nil {
			return nil, fmt.Errorf("chart %s: %w", name, err)
		}
	}
	prov, err := fetchProvLayer(ctx, repo, manifest)
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", name, err)
	}
	return &Pulled{Ref: name, ManifestDigest: manifestDesc.Digest.String(), Data: data, Chart: c.Metadata, Prov: prov}, nil
}

// pickReference chooses ":tag" or "@digest" for a pull.
func (r *Registry) pickReference(ctx context.Context, repo *remote.Repository, ref ociRef, version string, devel bool) (string, error) {
	switch {
	case ref.digest != "":
		return "@" + ref.digest, nil
	case ref.tag != "" && version != "" && versionFor(ref.tag) != version:
		return "", fmt.Errorf("oci://%s:%s: the tag conflicts with the requested version %q", ref.repoString(), ref.tag, version)
	case ref.tag != "":
		return ":" + ref.tag, nil
	}
	if _, err := semver.StrictNewVersion(version); err == nil {
		return ":" + tagFor(version), nil
	}
	tags, err := r.tags(ctx, repo)
	if err != nil {
		return "", fmt.Errorf("oci://%s: list tags: %w", ref.repoString(), withLoginHint(err, ref.Registry))
	}
	c, err := parseConstraint(version, devel)
	if err != nil {
		return "", err
	}
	for _, v := range tags {
		if c.Check(v) {
			return ":" + tagFor(v.Original()), nil
		}
	}
	if version == "" {
		return "", fmt.Errorf("oci://%s: %d tags: %w", ref.repoString(), len(tags), ErrNoStableVersion)
	}
	return "", fmt.Errorf("oci://%s: no tag matches version %q", ref.repoString(), version)
}

func checkVersion(have, constraint string, devel bool) error {
	if have == constraint {
		return nil
	}
	c, err := parseConstraint(constraint, devel)
	if err != nil {
		return err
	}
	v, err := semver.NewVersion(have)
	if err != nil || !c.Check(v) {
		return fmt.Errorf("chart version %q does not satisfy %q", have, constraint)
	}
	return nil
}

func fetchManifest(ctx context.Context, repo *remote.Repository, desc ocispec.Descriptor) (*ocispec.Manifest, error) {
	if desc.MediaType != ocispec.MediaTypeImageManifest {
		return nil, fmt.Errorf("manifest media type %q is not an OCI image manifest, so this is not a Helm chart", desc.MediaType)
	}
	if desc.Size > maxManifestSize {
		return nil, fmt.Errorf("manifest %s is %d bytes, over the %d allowed", desc.Digest, desc.Size, int64(maxManifestSize))
	}
	raw, err := content.FetchAll(ctx, repo, desc)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return ParseManifest(raw)
}

// ParseManifest reads an OCI image manifest as a registry sent it. Only
// what a Helm chart's manifest needs is checked here; chartLayer says
// whether it is one.
func ParseManifest(raw []byte) (*ocispec.Manifest, error) {
	if len(raw) > maxManifestSize {
		return nil, fmt.Errorf("manifest is %d bytes, over the %d allowed", len(raw), int64(maxManifestSize))
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("manifest is not valid JSON: %w", err)
	}
	return &m, nil
}

func chartLayer(m *ocispec.Manifest) (ocispec.Descriptor, error) {
	if m.Config.MediaType != ConfigMediaType {
		return ocispec.Descriptor{}, fmt.Errorf("config media type %q is not a Helm chart's (%s)", m.Config.MediaType, ConfigMediaType)
	}
	for _, l := range m.Layers {
		if l.MediaType == ChartLayerMediaType || l.MediaType == LegacyChartLayerMediaType {
			return l, nil
		}
	}
	return ocispec.Descriptor{}, fmt.Errorf("manifest has no layer of media type %s", ChartLayerMediaType)
}

// Tags lists the chart versions of "oci://host/path/chart" newest first by
// SemVer; tags that are not versions are left out.
func (r *Registry) Tags(ctx context.Context, rawRef string) ([]string, error) {
	ctx, ref, repo, err := r.openForPull(ctx, rawRef)
	if err != nil {
		return nil, err
	}
	vs, err := r.tags(ctx, repo)
	if err != nil {
		return nil, fmt.Errorf("oci://%s: list tags: %w", ref.repoString(), withLoginHint(err, ref.Registry))
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Original()
	}
	return out, nil
}

// tags lists repo's tags that are versions, newest first. A registry can
// page its tag list forever; past maxTags tags the listing stops.
func (r *Registry) tags(ctx context.Context, repo *remote.Repository) ([]*semver.Version, error) {
	var vs []*semver.Version
	seen := 0
	err := repo.Tags(ctx, "", func(tags []string) error {
		seen += len(tags)
		if seen > maxTags {
			return fmt.Errorf("the registry lists more than the %d tags allowed", maxTags)
		}
		vs = append(vs, parseTagVersions(tags)...)
		return nil
	})
	sort.Sort(sort.Reverse(semver.Collection(vs)))
	return vs, err
}

// parseTagVersions keeps the tags that are strict SemVer versions, with
// tagFor's "_" read back as "+".
func parseTagVersions(tags []string) []*semver.Version {
	var vs []*semver.Version
	for _, t := range tags {
		if v, err := semver.StrictNewVersion(versionFor(t)); err == nil {
			vs = append(vs, v)
		}
	}
	return vs
}

// Login checks the credentials against host and stores them.
func (r *Registry) Login(ctx context.Context, host, username, password string) error {
	reg, err := remote.NewRegistry(host)
	if err != nil {
		return fmt.Errorf("registry %s: %w", host, err)
	}
	reg.PlainHTTP = r.opts.Auth.PlainHTTP
	reg.Client = &auth.Client{Client: r.client, Cache: auth.NewCache(), Header: http.Header{"User-Agent": {"kpkg"}}}
	if err := credentials.Login(ctx, r.store, reg, auth.Credential{Username: username, Password: password}); err != nil {
		return fmt.Errorf("login to %s: %w", host, err)
	}
	return nil
}

// Logout forgets the stored credentials for host.
func (r *Registry) Logout(ctx context.Context, host string) error {
	if err := credentials.Logout(ctx, r.store, host); err != nil {
		return fmt.Errorf("logout from %s: %w", host, err)
	}
	return nil
}

// digestOf is the "sha256:<hex>" of data.
func digestOf(data []byte) string { return digest.FromBytes(data).String() }
