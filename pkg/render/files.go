package render

import (
	"encoding/base64"
	"path"
	"strings"

	"github.com/gobwas/glob"

	"github.com/kpkg/kpkg/pkg/chart"
)

// Files is .Files: a chart's non-template files by path.
type Files map[string][]byte

func newFiles(from []*chart.File) Files {
	f := make(Files, len(from))
	for _, file := range from {
		f[file.Name] = file.Data
	}
	return f
}

// GetBytes returns a file's bytes, empty when absent.
func (f Files) GetBytes(name string) []byte {
	if v, ok := f[name]; ok {
		return v
	}
	return []byte{}
}

// Get returns a file's content as a string, "" when absent.
func (f Files) Get(name string) string { return string(f.GetBytes(name)) }

// Glob returns the files whose paths match a glob where "*" stops at "/" and
// "**" crosses it; an invalid pattern matches everything, as in Helm.
func (f Files) Glob(pattern string) Files {
	g, err := glob.Compile(pattern, '/')
	if err != nil {
		g, _ = glob.Compile("**")
	}
	out := Files{}
	for name, data := range f {
		if g.Match(name) {
			out[name] = data
		}
	}
	return out
}

// AsConfig renders the files as the data of a ConfigMap (base names as keys).
func (f Files) AsConfig() string {
	if f == nil {
		return ""
	}
	m := make(map[string]string, len(f))
	for k, v := range f {
		m[path.Base(k)] = string(v)
	}
	return toYAML(m)
}

// AsSecrets renders the files as the data of a Secret (base64 values).
func (f Files) AsSecrets() string {
	if f == nil {
		return ""
	}
	m := make(map[string]string, len(f))
	for k, v := range f {
		m[path.Base(k)] = base64.StdEncoding.EncodeToString(v)
	}
	return toYAML(m)
}

// Lines splits a file into lines, dropping one final newline.
func (f Files) Lines(name string) []string {
	if f == nil || len(f[name]) == 0 {
		return []string{}
	}
	s := strings.TrimSuffix(string(f[name]), "\n")
	return strings.Split(s, "\n")
}
