package chart

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/Masterminds/semver/v3"
)

// Maintainer is one entry of Chart.yaml's maintainers.
type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Metadata is Chart.yaml. Field names and JSON tags match Helm's, because
// templates see them as .Chart.* and may serialise them with toYaml.
type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*Maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []*Dependency     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

// Dependency is one entry of Chart.yaml's (or requirements.yaml's) dependencies.
type Dependency struct {
	Name         string   `json:"name" yaml:"name"`
	Version      string   `json:"version,omitempty" yaml:"version,omitempty"`
	Repository   string   `json:"repository" yaml:"repository"`
	Condition    string   `json:"condition,omitempty" yaml:"condition,omitempty"`
	Tags         []string `json:"tags,omitempty" yaml:"tags,omitempty"`
	Enabled      bool     `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	ImportValues []any    `json:"import-values,omitempty" yaml:"import-values,omitempty"`
	Alias        string   `json:"alias,omitempty" yaml:"alias,omitempty"`
}

// Lock is Chart.lock (or requirements.lock).
type Lock struct {
	Generated    time.Time     `json:"generated"`
	Digest       string        `json:"digest"`
	Dependencies []*Dependency `json:"dependencies"`
}

// Validate checks Chart.yaml's required fields and normalises free text the
// way Helm does (control characters dropped, whitespace folded to spaces).
// It accepts and refuses what Helm v3.22's Metadata.Validate does.
func (md *Metadata) Validate() error {
	md.Name = sanitize(md.Name)
	md.Description = sanitize(md.Description)
	md.Home = sanitize(md.Home)
	md.Icon = sanitize(md.Icon)
	md.Condition = sanitize(md.Condition)
	md.Tags = sanitize(md.Tags)
	md.AppVersion = sanitize(md.AppVersion)
	md.KubeVersion = sanitize(md.KubeVersion)
	sanitizeAll(md.Sources)
	sanitizeAll(md.Keywords)

	switch {
	case md.APIVersion == "":
		return fmt.Errorf("apiVersion is required")
	case md.Name == "":
		return fmt.Errorf("name is required")
	case md.Name == "." || md.Name == ".." || md.Name != filepath.Base(md.Name):
		return fmt.Errorf("name %q is not a valid chart name", md.Name)
	case md.Version == "":
		return fmt.Errorf("version is required")
	}
	if _, err := semver.NewVersion(md.Version); err != nil {
		return fmt.Errorf("version %q is not SemVer 2", md.Version)
	}
	switch md.Type {
	case "", "application", "library":
	default:
		return fmt.Errorf("type %q must be application or library", md.Type)
	}
	for _, m := range md.Maintainers {
		if m == nil {
			return fmt.Errorf("maintainers: empty entry")
		}
		m.Name, m.Email, m.URL = sanitize(m.Name), sanitize(m.Email), sanitize(m.URL)
	}
	return md.validateDependencies()
}

// aliasName is what Helm allows in a dependency's alias.
var aliasName = regexp.MustCompile("^[a-zA-Z0-9_-]+$")

func (md *Metadata) validateDependencies() error {
	seen := map[string]bool{}
	for _, d := range md.Dependencies {
		if d == nil {
			return fmt.Errorf("dependencies: empty entry")
		}
		d.Name, d.Version, d.Repository, d.Condition = sanitize(d.Name), sanitize(d.Version), sanitize(d.Repository), sanitize(d.Condition)
		sanitizeAll(d.Tags)
		if d.Alias != "" && !aliasName.MatchString(d.Alias) {
			return fmt.Errorf("dependency %q: alias %q is not a valid chart name", d.Name, d.Alias)
		}
		key := d.Name
		if d.Alias != "" {
			key = d.Alias
		}
		if seen[key] {
			return &DuplicateDependencyError{Name: key}
		}
		seen[key] = true
	}
	return nil
}

// DuplicateDependencyError is two dependencies with the same name or alias.
// Helm lets such entries through in repository indexes, whose generators
// sometimes drop aliases.
type DuplicateDependencyError struct{ Name string }

func (e *DuplicateDependencyError) Error() string {
	return fmt.Sprintf("more than one dependency with name or alias %q", e.Name)
}

func sanitizeAll(ss []string) {
	for i := range ss {
		ss[i] = sanitize(ss[i])
	}
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, s)
}
