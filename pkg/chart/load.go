package chart

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/internal/parallel"
	"github.com/kpkg/kpkg/pkg/internal/yamldec"
)

// ErrInvalidChart marks every error caused by the chart's own content, as
// opposed to I/O failures.
var ErrInvalidChart = errors.New("invalid chart")

// FileError names the chart file that is wrong and what is wrong with it.
type FileError struct {
	// Path is the file as the user knows it: the chart directory or archive
	// joined with the file's path inside the chart.
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }
func (e *FileError) Is(target error) bool {
	return target == ErrInvalidChart
}

// loadFiles builds a chart from files already counted against the budget.
func (s *loadState) loadFiles(origin string, files []*File) (*Chart, error) {
	fail := func(name string, err error) error {
		return &FileError{Path: path.Join(origin, name), Err: err}
	}
	c := &Chart{}
	var valuesFile *File
	subcharts := map[string][]*File{}
	var subchartOrder []string

	for _, f := range files {
		c.Raw = append(c.Raw, f)
		if f.Name == "Chart.yaml" {
			c.Metadata = &Metadata{}
			if err := yaml.Unmarshal(f.Data, c.Metadata); err != nil {
				return nil, fail(f.Name, fmt.Errorf("cannot parse: %w", err))
			}
			if c.Metadata.APIVersion == "" {
				c.Metadata.APIVersion = APIVersionV1
			}
		}
	}
	if c.Metadata == nil {
		return nil, fail("Chart.yaml", errors.New("file is missing"))
	}

	for _, f := range files {
		switch {
		case f.Name == "Chart.yaml":
		case f.Name == "Chart.lock" || f.Name == "requirements.lock":
			c.Lock = &Lock{}
			if err := yaml.Unmarshal(f.Data, c.Lock); err != nil {
				return nil, fail(f.Name, fmt.Errorf("cannot parse: %w", err))
			}
			if f.Name == "requirements.lock" && c.Metadata.APIVersion == APIVersionV1 {
				c.Files = append(c.Files, f)
			}
		case f.Name == "values.yaml":
			valuesFile = f
		case f.Name == "values.schema.json":
			c.Schema = f.Data
		case f.Name == "requirements.yaml":
			if err := yaml.Unmarshal(f.Data, c.Metadata); err != nil {
				return nil, fail(f.Name, fmt.Errorf("cannot parse: %w", err))
			}
			if c.Metadata.APIVersion == APIVersionV1 {
				c.Files = append(c.Files, f)
			}
		case strings.HasPrefix(f.Name, "templates/"):
			c.Templates = append(c.Templates, f)
		case strings.HasPrefix(f.Name, "charts/"):
			if path.Ext(f.Name) == ".prov" {
				c.Files = append(c.Files, f)
				continue
			}
			rest := strings.TrimPrefix(f.Name, "charts/")
			sub, _, _ := strings.Cut(rest, "/")
			if _, ok := subcharts[sub]; !ok {
				subchartOrder = append(subchartOrder, sub)
			}
			subcharts[sub] = append(subcharts[sub], &File{Name: rest, Data: f.Data})
		default:
			c.Files = append(c.Files, f)
		}
	}
	if err := c.Metadata.Validate(); err != nil {
		return nil, fail("Chart.yaml", err)
	}

	sort.Strings(subchartOrder)
	var names []string
	for _, sub := range subchartOrder {
		if strings.IndexAny(sub, "_.") != 0 {
			names = append(names, sub)
		}
	}
	// The chart's own values.yaml and its subcharts are independent; parsing
	// them (the bulk of loading) on all cores keeps umbrella charts fast.
	// Subcharts attach in name order whatever finishes first.
	loaded := make([]*Chart, len(names))
	errs := make([]error, len(names))
	var valuesErr error
	parallel.ForEach(len(names)+1, func(i int) {
		if i == 0 { // first: usually the largest single job
			c.Values, valuesErr = parseValuesFile(valuesFile)
			return
		}
		loaded[i-1], errs[i-1] = s.loadSubchart(path.Join(origin, "charts", names[i-1]), names[i-1], subcharts[names[i-1]])
	})
	if valuesErr != nil {
		return nil, fail("values.yaml", valuesErr)
	}
	for i := range names {
		if errs[i] != nil {
			return nil, errs[i]
		}
		c.AddDependency(loaded[i])
	}
	return c, nil
}

// loadSubchart loads charts/<name>, an archive or a directory, one level
// deeper than the chart at origin's parent.
func (s *loadState) loadSubchart(origin, name string, entries []*File) (*Chart, error) {
	sub, err := s.sub(origin)
	if err != nil {
		return nil, err
	}
	if path.Ext(name) == ".tgz" {
		if len(entries) != 1 || entries[0].Name != name {
			return nil, &FileError{Path: origin, Err: errors.New("expected a chart archive file")}
		}
		return sub.loadArchive(origin, bytes.NewReader(entries[0].Data))
	}
	inner := make([]*File, 0, len(entries))
	for _, e := range entries {
		_, rest, ok := strings.Cut(e.Name, "/")
		if !ok {
			continue
		}
		inner = append(inner, &File{Name: rest, Data: e.Data})
	}
	return sub.loadFiles(origin, inner)
}

func parseValuesFile(f *File) (map[string]any, error) {
	if f == nil {
		return map[string]any{}, nil
	}
	return ParseValues(f.Data)
}

// ParseValues parses a values document the way Helm does: YAML converted
// through JSON, so numbers become float64; an empty document is an empty map.
func ParseValues(data []byte) (map[string]any, error) {
	vals := map[string]any{}
	if err := yamldec.UnmarshalMap(data, &vals); err != nil {
		return nil, fmt.Errorf("cannot parse values: %w", err)
	}
	if vals == nil {
		vals = map[string]any{}
	}
	return vals, nil
}
