package repo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/chart"
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

// ParseIndex reads index.yaml (or its JSON form). Invalid versions are
// skipped with a warning, as Helm does, and each chart's versions are sorted
// newest first.
//
// Public indexes reach tens of megabytes, so YAML in the block layout every
// index generator writes is cut at each chart's key and the pieces are
// decoded in parallel: memory holds one chart's parse tree per CPU instead
// of the whole document's. Anything the splitter does not recognise is
// decoded whole, which is also what reports syntax errors with line numbers.
func ParseIndex(data []byte, opts IndexLoadOptions) (*IndexFile, error) {
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
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
	if first := bytes.TrimLeft(data, " \t\r\n"); first[0] == '{' && json.Valid(data) {
		return idx, json.Unmarshal(data, idx)
	}
	if head, chunks, ok := splitIndex(data); ok {
		if err := yaml.Unmarshal(head, idx); err == nil {
			entries, err := decodeChunks(chunks)
			if err == nil {
				idx.Entries = entries
				return idx, nil
			}
		}
	}
	idx = &IndexFile{}
	return idx, yaml.Unmarshal(data, idx)
}

// decodeChunks decodes each "  name:\n  - ..." piece on its own, spread over
// the CPUs. The first failure makes the caller fall back to a whole decode.
func decodeChunks(chunks [][]byte) (map[string]ChartVersions, error) {
	entries := make(map[string]ChartVersions, len(chunks))
	var mu sync.Mutex
	var firstErr error
	work := make(chan []byte)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chunk := range work {
				part, err := decodeChunk(chunk)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				for name, vs := range part {
					entries[name] = append(entries[name], vs...)
				}
				mu.Unlock()
			}
		}()
	}
	for _, c := range chunks {
		work <- c
	}
	close(work)
	wg.Wait()
	return entries, firstErr
}

// validVersions drops the entries Helm drops: empty ones and ones whose
// metadata does not validate.
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
		if err := v.Validate(); err != nil {
			if warn != nil {
				warn("skipping invalid entry for chart %q %q in %s: %v", name, v.Version, source, err)
			}
			continue
		}
		kept = append(kept, v)
	}
	return kept
}
