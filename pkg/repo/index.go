package repo

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"time"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/atomicfile"
)

// APIVersionV1 is the apiVersion of index.yaml and repositories.yaml.
const APIVersionV1 = "v1"

// Errors Get returns; callers wrap them with the repository's name.
var (
	ErrNoChartName    = errors.New("no chart name found")
	ErrNoChartVersion = errors.New("no chart version found")
)

// IndexFile is a repository's index.yaml. Field names and JSON tags match
// Helm's so that files written by either tool read the same in the other.
type IndexFile struct {
	// ServerInfo is ChartMuseum's addition; kept so that it round-trips.
	ServerInfo  map[string]any           `json:"serverInfo,omitempty"`
	APIVersion  string                   `json:"apiVersion"`
	Generated   time.Time                `json:"generated"`
	Entries     map[string]ChartVersions `json:"entries"`
	PublicKeys  []string                 `json:"publicKeys,omitempty"`
	Annotations map[string]string        `json:"annotations,omitempty"`
}

// ChartVersion is one chart version in an index.
type ChartVersion struct {
	*chart.Metadata
	URLs    []string  `json:"urls"`
	Created time.Time `json:"created,omitempty"`
	Removed bool      `json:"removed,omitempty"`
	// Digest is the hex SHA-256 of the chart archive.
	Digest string `json:"digest,omitempty"`

	// Helm 2 fields, accepted and written back but not used.
	ChecksumDeprecated      string `json:"checksum,omitempty"`
	EngineDeprecated        string `json:"engine,omitempty"`
	TillerVersionDeprecated string `json:"tillerVersion,omitempty"`
	URLDeprecated           string `json:"url,omitempty"`
}

// ChartVersions are the versions of one chart, newest first once sorted.
type ChartVersions []*ChartVersion

// NewIndexFile returns an empty index dated now.
func NewIndexFile() *IndexFile {
	return &IndexFile{APIVersion: APIVersionV1, Generated: time.Now(), Entries: map[string]ChartVersions{}, PublicKeys: []string{}}
}

// SortEntries orders every chart's versions newest first by SemVer; versions
// that do not parse go last. Each version string is parsed once.
func (i *IndexFile) SortEntries() {
	for _, vs := range i.Entries {
		vs.sort()
	}
}

func (vs ChartVersions) sort() {
	parsed := make(map[*ChartVersion]*semver.Version, len(vs))
	for _, v := range vs {
		if sv, err := semver.NewVersion(v.Version); err == nil {
			parsed[v] = sv
		}
	}
	sort.SliceStable(vs, func(a, b int) bool {
		va, vb := parsed[vs[a]], parsed[vs[b]]
		switch {
		case va == nil:
			return false
		case vb == nil:
			return true
		}
		return va.GreaterThan(vb)
	})
}

// Has reports whether the index lists name at exactly version.
func (i *IndexFile) Has(name, version string) bool {
	for _, v := range i.Entries[name] {
		if v.Version == version {
			return true
		}
	}
	return false
}

// Get returns the newest version of chart name that satisfies constraint.
// An exact version string wins over constraint matching; an empty
// constraint means the newest stable version, or the newest of all when
// devel is set.
func (i *IndexFile) Get(name, constraint string, devel bool) (*ChartVersion, error) {
	vs, ok := i.Entries[name]
	if !ok {
		return nil, fmt.Errorf("chart %q: %w", name, ErrNoChartName)
	}
	if constraint != "" {
		for _, v := range vs {
			if v.Version == constraint {
				return v, nil
			}
		}
	}
	c, err := parseConstraint(constraint, devel)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if sv, err := semver.NewVersion(v.Version); err == nil && c.Check(sv) {
			return v, nil
		}
	}
	if constraint == "" {
		return nil, fmt.Errorf("chart %q: %w", name, ErrNoStableVersion)
	}
	return nil, fmt.Errorf("chart %q has no version matching %q: %w", name, constraint, ErrNoChartVersion)
}

// parseConstraint turns --version and --devel into a SemVer constraint.
func parseConstraint(constraint string, devel bool) (*semver.Constraints, error) {
	switch {
	case constraint == "" && devel:
		constraint = ">0.0.0-0"
	case constraint == "":
		constraint = "*"
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return nil, fmt.Errorf("version %q is not a valid SemVer constraint: %w", constraint, err)
	}
	return c, nil
}

// Add records an archive of chart md under filename, its URL joined to
// baseURL when one is given.
func (i *IndexFile) Add(md *chart.Metadata, filename, baseURL, digest string) error {
	if md.APIVersion == "" {
		md.APIVersion = chart.APIVersionV1
	}
	if err := md.Validate(); err != nil {
		return fmt.Errorf("%s: Chart.yaml: %w", filename, err)
	}
	u := filename
	if baseURL != "" {
		joined, err := resolveURL(baseURL, path.Base(filename))
		if err != nil {
			joined = path.Join(baseURL, path.Base(filename))
		}
		u = joined
	}
	i.Entries[md.Name] = append(i.Entries[md.Name], &ChartVersion{Metadata: md, URLs: []string{u}, Digest: digest, Created: time.Now()})
	return nil
}

// Merge adds the versions of other that i does not list yet; i's own
// entries win.
func (i *IndexFile) Merge(other *IndexFile) {
	for _, vs := range other.Entries {
		for _, v := range vs {
			if !i.Has(v.Name, v.Version) {
				i.Entries[v.Name] = append(i.Entries[v.Name], v)
			}
		}
	}
}

// Marshal serialises the index as Helm does: YAML with sorted keys, or
// indented JSON.
func (i *IndexFile) Marshal(asJSON bool) ([]byte, error) {
	if asJSON {
		return json.MarshalIndent(i, "", "  ")
	}
	return yaml.Marshal(i)
}

// WriteFile writes the index to name atomically.
func (i *IndexFile) WriteFile(name string, asJSON bool) error {
	data, err := i.Marshal(asJSON)
	if err != nil {
		return fmt.Errorf("serialise index for %s: %w", name, err)
	}
	return atomicfile.WriteFile(name, data, 0o644)
}

// LoadIndexFile reads an index from disk.
func LoadIndexFile(name string, opts IndexLoadOptions) (*IndexFile, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read index %s: %w", name, err)
	}
	if opts.Source == "" {
		opts.Source = name
	}
	return ParseIndex(data, opts)
}
