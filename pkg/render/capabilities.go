package render

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// HelmCompatVersion is the Helm release whose behaviour kpkg reproduces; it
// is what templates see as .Capabilities.HelmVersion.Version.
const HelmCompatVersion = "v3.22.0"

// DefaultKubeVersion is the Kubernetes version templates see offline, as in
// the Helm release kpkg reproduces.
const DefaultKubeVersion = "v1.37.0"

// Capabilities is .Capabilities. Its shape matches Helm's so that templates
// reading or serialising it see the same thing.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion BuildInfo
}

// KubeVersion is .Capabilities.KubeVersion.
type KubeVersion struct {
	Version string
	Major   string
	Minor   string
}

func (kv *KubeVersion) String() string { return kv.Version }

// GitVersion is an alias of Version that many charts use.
func (kv *KubeVersion) GitVersion() string { return kv.Version }

// ParseKubeVersion reads "1.30", "v1.30.2" and similar forms.
func ParseKubeVersion(s string) (KubeVersion, error) {
	v, err := semver.NewVersion(strings.TrimSpace(s))
	if err != nil {
		return KubeVersion{}, fmt.Errorf("invalid kube version %q: %w", s, err)
	}
	return KubeVersion{
		Version: fmt.Sprintf("v%d.%d.%d", v.Major(), v.Minor(), v.Patch()),
		Major:   strconv.FormatUint(v.Major(), 10),
		Minor:   strconv.FormatUint(v.Minor(), 10),
	}, nil
}

// VersionSet is .Capabilities.APIVersions.
type VersionSet []string

// Has reports whether the set holds apiVersion ("apps/v1", or
// "apps/v1/Deployment" when a cluster reported kinds).
func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// BuildInfo is .Capabilities.HelmVersion.
type BuildInfo struct {
	Version      string `json:"version,omitempty"`
	GitCommit    string `json:"git_commit,omitempty"`
	GitTreeState string `json:"git_tree_state,omitempty"`
	GoVersion    string `json:"go_version,omitempty"`
}

// DefaultCapabilities returns what templates see when no cluster is asked,
// with extra API versions appended.
func DefaultCapabilities(extraAPIVersions ...string) *Capabilities {
	kv, _ := ParseKubeVersion(DefaultKubeVersion)
	apis := make(VersionSet, 0, len(defaultAPIVersions)+len(extraAPIVersions))
	apis = append(apis, defaultAPIVersions...)
	apis = append(apis, extraAPIVersions...)
	return &Capabilities{
		KubeVersion: kv,
		APIVersions: apis,
		HelmVersion: BuildInfo{
			Version:      HelmCompatVersion,
			GitTreeState: "clean",
			GoVersion:    runtime.Version(),
		},
	}
}
