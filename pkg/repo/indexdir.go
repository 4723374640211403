package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/kpkg/kpkg/pkg/chart"
)

// IndexDirOptions control IndexDir. The zero value writes relative URLs.
type IndexDirOptions struct {
	// URL is the repository's base URL, prefixed to each archive's path.
	URL string
	// Merge names an existing index whose versions are kept when dir does
	// not hold them.
	Merge string
	// JSON writes the index as JSON instead of YAML.
	JSON bool
}

// IndexDir writes dir/index.yaml listing the chart archives in dir and its
// immediate subdirectories. Files that are not charts are skipped.
func IndexDir(ctx context.Context, dir string, opts IndexDirOptions) error {
	idx, err := IndexDirectory(ctx, dir, opts.URL)
	if err != nil {
		return err
	}
	if opts.Merge != "" {
		old, err := LoadIndexFile(opts.Merge, IndexLoadOptions{})
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return fmt.Errorf("merge with %s: %w", opts.Merge, err)
		default:
			idx.Merge(old)
		}
	}
	idx.SortEntries()
	return idx.WriteFile(filepath.Join(dir, "index.yaml"), opts.JSON)
}

// IndexDirectory builds an index of the chart archives in dir and its
// immediate subdirectories, with URLs relative to baseURL.
func IndexDirectory(ctx context.Context, dir, baseURL string) (*IndexFile, error) {
	top, err := filepath.Glob(filepath.Join(dir, "*.tgz"))
	if err != nil {
		return nil, err
	}
	nested, err := filepath.Glob(filepath.Join(dir, "*", "*.tgz"))
	if err != nil {
		return nil, err
	}
	archives := append(top, nested...)
	sort.Strings(archives)
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("index %s: %w", dir, err)
	}
	idx := NewIndexFile()
	for _, a := range archives {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(dir, a)
		if err != nil {
			return nil, err
		}
		rel = filepath.ToSlash(rel)
		c, sum, err := loadArchiveDigest(a)
		var lim *chart.LimitError
		switch {
		case errors.As(err, &lim):
			return nil, fmt.Errorf("index %s: %w", dir, err)
		case err != nil:
			continue // not a chart: Helm skips these too
		}
		parent := path.Dir(rel)
		base := baseURL
		if parent != "." {
			if base, err = resolveURL(baseURL, parent); err != nil || baseURL == "" {
				base = path.Join(baseURL, parent)
			}
		}
		if err := idx.Add(c.Metadata, rel, base, sum); err != nil {
			return nil, fmt.Errorf("index %s: %w", dir, err)
		}
	}
	return idx, nil
}

// loadArchiveDigest loads the chart archive a, within the chart loader's
// limits, and returns it with the hex SHA-256 of the file. The file streams
// through the loader and the hash together, so no copy of it is held.
func loadArchiveDigest(a string) (*chart.Chart, string, error) {
	f, err := os.Open(a)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	h := sha256.New()
	c, err := chart.LoadArchive(a, io.TeeReader(f, h))
	if err != nil {
		return nil, "", err
	}
	// The loader stops at the end of the tar stream; the digest covers the
	// whole file.
	if _, err := io.Copy(h, f); err != nil {
		return nil, "", err
	}
	return c, hex.EncodeToString(h.Sum(nil)), nil
}
