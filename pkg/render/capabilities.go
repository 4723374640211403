package render

import (
	"fmt"
	"runtime"
	"strconv"

	k8sversion "k8s.io/apimachinery/pkg/util/version"
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

// ParseKubeVersion reads a Kubernetes version as Helm's --kube-version
// does, with Kubernetes' own generic version parser: "1.30", "v1.30.2",
// "v1.30+" and "1.30.2-gke.100" are accepted; anything after the numbers
// is ignored, and the numbers are kept as written ("1.30" is "v1.30").
func ParseKubeVersion(s string) (KubeVersion, error) {
	v, err := k8sversion.ParseGeneric(s)
	if err != nil {
		return KubeVersion{}, fmt.Errorf("invalid kube version '%s': %w", s, err)
	}
	return KubeVersion{
		Version: "v" + v.String(),
		Major:   strconv.FormatUint(uint64(v.Major()), 10),
		Minor:   strconv.FormatUint(uint64(v.Minor()), 10),
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
