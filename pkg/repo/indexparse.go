package repo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/parallel"
	"github.com/kpkg/kpkg/pkg/internal/yamldec"
)

// IndexLoadOptions control ParseIndex. The zero value is usable.
type IndexLoadOptions struct {
	// Source names the index in errors and warnings (a repository name and
	// URL, or a path).
	Source string
	// Warn receives a line for each entry skipped as invalid; nil drops them.
	Warn func(format string, args ...any)
}

// ErrEmptyIndex is returned for an index file with no content.
var ErrEmptyIndex = errors.New("index is empty")

// ParseIndex reads index.yaml (or its JSON form) and accepts exactly what
// Helm v3.22's repo.LoadIndexFile accepts: valid JSON is read leniently, and
// YAML strictly (duplicate keys, unknown fields and mistyped values refused,
// YAML 1.1 scalars as Helm reads them: "y" is true, "00" is 0). Invalid
// versions are skipped with a warning, as Helm does, and each chart's
// versions are sorted newest first.
//
// Public indexes reach tens of megabytes, so YAML in the block layout every
// index generator writes is cut at each chart's key and the pieces are
// decoded in parallel: memory holds one chart's parse tree per CPU instead
// of the whole document's. Any piece outside the fast decoder's subset, and
// any error, sends the whole document through Helm's own route
// (sigs.k8s.io/yaml.UnmarshalStrict), which then also words the error.
func ParseIndex(data []byte, opts IndexLoadOptions) (*IndexFile, error) {
	source := opts.Source
	if source == "" {
		source = "index"
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: %w", source, ErrEmptyIndex)
	}
	idx, err := decodeIndex(data)
	if err != nil {
		return nil, fmt.Errorf("%s is not a valid chart repository index (truncated or not YAML?): %w", source, err)
	}
	if idx.APIVersion == "" {
		return nil, fmt.Errorf("%s is not a valid chart repository index: no apiVersion", source)
	}
	if idx.Entries == nil {
		idx.Entries = map[string]ChartVersions{}
	}
	for name, vs := range idx.Entries {
		idx.Entries[name] = validVersions(name, vs, source, opts.Warn)
	}
	idx.SortEntries()
	return idx, nil
}

func decodeIndex(data []byte) (*IndexFile, error) {
	idx := &IndexFile{}
	if json.Valid(data) {
		return idx, json.Unmarshal(data, idx)
	}
	if head, chunks, ok := splitIndex(data); ok {
		if err := yaml.UnmarshalStrict(head, idx); err == nil {
			if entries, ok := decodeChunks(chunks); ok {
				idx.Entries = entries
				return idx, nil
			}
		}
	}
	idx = &IndexFile{}
	return idx, yaml.UnmarshalStrict(data, idx)
}

// decodeChunks decodes each "  name:\n  - ..." piece on its own, spread over
// the CPUs. ok is false when a piece is outside the fast path's subset or
// wrong in any way, or when two pieces name the same chart.
func decodeChunks(chunks [][]byte) (map[string]ChartVersions, bool) {
	parts := make([]map[string]ChartVersions, len(chunks))
	oks := make([]bool, len(chunks))
	parallel.ForEach(len(chunks), func(i int) {
		parts[i], oks[i] = decodeChunk(chunks[i])
	})
	entries := make(map[string]ChartVersions, len(chunks))
	for i, part := range parts {
		if !oks[i] {
			return nil, false
		}
		for name, vs := range part {
			if _, dup := entries[name]; dup {
				return nil, false
			}
			entries[name] = vs
		}
	}
	return entries, true
}

// decodeChunk decodes one "name:\n- ..." piece of the entries mapping
// through yamldec, which yields sigs.k8s.io/yaml's generic values, and
// then as encoding/json would fill the structs from them.
func decodeChunk(chunk []byte) (map[string]ChartVersions, bool) {
	v, ok := yamldec.DecodeStrict(string(chunk))
	if !ok {
		return nil, false
	}
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return nil, false
	}
	out := make(map[string]ChartVersions, 1)
	for name, raw := range m {
		vs, err := chartVersionsFromJSON(raw)
		if err != nil {
			return nil, false
		}
		out[name] = vs
	}
	return out, true
}

// validVersions drops the entries Helm drops: empty ones and ones whose
// metadata does not validate, except for duplicate dependency names, which
// Helm lets through because some index generators drop aliases.
func validVersions(name string, vs ChartVersions, source string, warn func(string, ...any)) ChartVersions {
	kept := vs[:0]
	for _, v := range vs {
		if v == nil {
			if warn != nil {
				warn("skipping an empty entry for chart %q in %s", name, source)
			}
			continue
		}
		if v.Metadata == nil {
			v.Metadata = &chart.Metadata{}
		}
		if v.APIVersion == "" {
			v.APIVersion = chart.APIVersionV1
		}
		var dup *chart.DuplicateDependencyError
		if err := v.Validate(); err != nil && !errors.As(err, &dup) {
			if warn != nil {
				warn("skipping invalid entry for chart %q %q in %s: %v", name, v.Version, source, err)
			}
			continue
		}
		kept = append(kept, v)
	}
	return kept
}
