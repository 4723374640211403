package chart

import (
	"path"
	"strings"
)

// API versions of Chart.yaml.
const (
	APIVersionV1 = "v1"
	APIVersionV2 = "v2"
)

// File is one file of a chart, named by its slash-separated path relative to
// the chart root.
type File struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// Chart is a loaded chart and its subcharts.
type Chart struct {
	// Metadata is Chart.yaml (plus requirements.yaml for apiVersion v1).
	Metadata *Metadata
	// Lock is Chart.lock or requirements.lock; nil when absent.
	Lock *Lock
	// Templates are the files under templates/, in load order.
	Templates []*File
	// Values are the parsed values.yaml; never nil after loading.
	Values map[string]any
	// Schema is values.schema.json, nil when absent.
	Schema []byte
	// Files are all other files the chart ships (crds/ included), in load order.
	Files []*File
	// Raw holds every loaded file, as read, for packaging.
	Raw []*File

	parent       *Chart
	dependencies []*Chart
	// fromPath marks a file:// dependency attached from its path because
	// the parent's charts/ directory does not vendor it.
	fromPath bool
}

// Name is the chart's name from Chart.yaml (an alias replaces it once the
// dependency is resolved).
func (c *Chart) Name() string {
	if c.Metadata == nil {
		return ""
	}
	return c.Metadata.Name
}

// Dependencies are the subcharts currently attached to c.
func (c *Chart) Dependencies() []*Chart { return c.dependencies }

// SetDependencies replaces c's subcharts and makes c their parent.
func (c *Chart) SetDependencies(charts ...*Chart) {
	c.dependencies = nil
	c.AddDependency(charts...)
}

// AddDependency attaches subcharts to c.
func (c *Chart) AddDependency(charts ...*Chart) {
	for _, sub := range charts {
		sub.parent = c
		c.dependencies = append(c.dependencies, sub)
	}
}

// LoadedFromPath reports whether c is a file:// dependency that was loaded
// from its path because its parent's charts/ directory does not vendor it.
// Helm does not see such a subchart: its package and lint count it as
// missing.
func (c *Chart) LoadedFromPath() bool { return c.fromPath }

// Parent is the chart that holds c, nil for the root.
func (c *Chart) Parent() *Chart { return c.parent }

// IsRoot reports whether c is the top-level chart.
func (c *Chart) IsRoot() bool { return c.parent == nil }

// IsLibrary reports whether c is a library chart, which renders nothing but
// contributes its named templates.
func (c *Chart) IsLibrary() bool {
	return c.Metadata != nil && strings.EqualFold(c.Metadata.Type, "library")
}

// FullPath is the path of c as it appears in rendered "# Source:" lines:
// "parent/charts/child/charts/grandchild".
func (c *Chart) FullPath() string {
	if c.parent == nil {
		return c.Name()
	}
	return c.parent.FullPath() + "/charts/" + c.Name()
}

// AppVersion is Chart.yaml's appVersion.
func (c *Chart) AppVersion() string {
	if c.Metadata == nil {
		return ""
	}
	return c.Metadata.AppVersion
}

// CRDFile is a file from a crds/ directory of a chart or one of its subcharts.
type CRDFile struct {
	// Name is the path relative to its own chart ("crds/foo.yaml").
	Name string
	// Filename is the path shown in "# Source:" lines.
	Filename string
	File     *File
}

// CRDs lists the manifest files under crds/ of c and, depth first, of its
// subcharts.
func (c *Chart) CRDs() []CRDFile {
	var out []CRDFile
	for _, f := range c.Files {
		if strings.HasPrefix(f.Name, "crds/") && isManifestName(f.Name) {
			out = append(out, CRDFile{Name: f.Name, Filename: c.FullPath() + "/" + f.Name, File: f})
		}
	}
	for _, dep := range c.dependencies {
		out = append(out, dep.CRDs()...)
	}
	return out
}

func isManifestName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// ShallowCopy returns a copy of c with its own Metadata, sharing files and
// values; dependencies keep pointing at the same subcharts. It is how an alias
// renders a chart under another name.
func (c *Chart) ShallowCopy() *Chart {
	out := *c
	md := *c.Metadata
	out.Metadata = &md
	out.parent = nil
	return &out
}
