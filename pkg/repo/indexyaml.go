package repo

import (
	"time"

	yaml3 "go.yaml.in/yaml/v3"

	"github.com/kpkg/kpkg/pkg/chart"
)

// versionYAML mirrors ChartVersion with YAML field names so that index
// pieces decode straight from the YAML tree into structs. The generic route
// Helm takes (YAML to maps, maps to JSON, JSON to structs) costs twice the
// time and memory on large indexes. Field names are Helm's JSON names.
type versionYAML struct {
	Name         string              `yaml:"name"`
	Home         string              `yaml:"home"`
	Sources      []string            `yaml:"sources"`
	Version      string              `yaml:"version"`
	Description  string              `yaml:"description"`
	Keywords     []string            `yaml:"keywords"`
	Maintainers  []*chart.Maintainer `yaml:"maintainers"`
	Icon         string              `yaml:"icon"`
	APIVersion   string              `yaml:"apiVersion"`
	Condition    string              `yaml:"condition"`
	Tags         string              `yaml:"tags"`
	AppVersion   string              `yaml:"appVersion"`
	Deprecated   bool                `yaml:"deprecated"`
	Annotations  map[string]string   `yaml:"annotations"`
	KubeVersion  string              `yaml:"kubeVersion"`
	Dependencies []*chart.Dependency `yaml:"dependencies"`
	Type         string              `yaml:"type"`

	URLs          []string  `yaml:"urls"`
	Created       time.Time `yaml:"created"`
	Removed       bool      `yaml:"removed"`
	Digest        string    `yaml:"digest"`
	Checksum      string    `yaml:"checksum"`
	Engine        string    `yaml:"engine"`
	TillerVersion string    `yaml:"tillerVersion"`
	URL           string    `yaml:"url"`
}

func (v *versionYAML) chartVersion() *ChartVersion {
	if v == nil {
		return nil
	}
	return &ChartVersion{
		Metadata: &chart.Metadata{
			Name: v.Name, Home: v.Home, Sources: v.Sources, Version: v.Version,
			Description: v.Description, Keywords: v.Keywords, Maintainers: v.Maintainers,
			Icon: v.Icon, APIVersion: v.APIVersion, Condition: v.Condition, Tags: v.Tags,
			AppVersion: v.AppVersion, Deprecated: v.Deprecated, Annotations: v.Annotations,
			KubeVersion: v.KubeVersion, Dependencies: v.Dependencies, Type: v.Type,
		},
		URLs: v.URLs, Created: v.Created, Removed: v.Removed, Digest: v.Digest,
		ChecksumDeprecated: v.Checksum, EngineDeprecated: v.Engine,
		TillerVersionDeprecated: v.TillerVersion, URLDeprecated: v.URL,
	}
}

// decodeChunk decodes one "name:\n- ..." piece of the entries mapping.
func decodeChunk(chunk []byte) (map[string]ChartVersions, error) {
	var raw map[string][]*versionYAML
	if err := yaml3.Unmarshal(chunk, &raw); err != nil {
		return nil, err
	}
	out := make(map[string]ChartVersions, len(raw))
	for name, vs := range raw {
		cvs := make(ChartVersions, 0, len(vs))
		for _, v := range vs {
			cvs = append(cvs, v.chartVersion())
		}
		out[name] = cvs
	}
	return out, nil
}
