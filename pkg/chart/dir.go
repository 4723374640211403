package chart

import (
	"bytes"
	"fmt"

	"os"
	"path/filepath"
	"sort"

	"github.com/kpkg/kpkg/pkg/internal/parallel"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// LoadDir reads an unpacked chart. The top-level .helmignore applies to the
// whole tree, subcharts included, as in Helm; symbolic links are followed.
func LoadDir(dir string) (*Chart, error) {
	top, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	rules := &IgnoreRules{}
	if data, err := os.ReadFile(filepath.Join(top, ".helmignore")); err == nil {
		if rules, err = ParseIgnore(data); err != nil {
			return nil, &FileError{Path: filepath.Join(dir, ".helmignore"), Err: err}
		}
	}
	rules.addDefaults()

	var files []*File
	var paths []string // absolute path of files[i]
	var total int64
	var walk func(abs, rel string) error
	walk = func(abs, rel string) error {
		entries, err := os.ReadDir(abs)
		if err != nil {
			return fmt.Errorf("load chart %s: %w", dir, err)
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, e := range entries {
			childAbs := filepath.Join(abs, e.Name())
			childRel := e.Name()
			if rel != "" {
				childRel = rel + "/" + e.Name()
			}
			fi, err := os.Stat(childAbs) // follows links, as Helm does
			if err != nil {
				return &FileError{Path: filepath.Join(dir, childRel), Err: err}
			}
			if fi.IsDir() {
				if rules.Ignore(childRel, true) {
					continue
				}
				if err := walk(childAbs, childRel); err != nil {
					return err
				}
				continue
			}
			if rules.Ignore(childRel, false) {
				continue
			}
			if !fi.Mode().IsRegular() {
				return &FileError{Path: filepath.Join(dir, childRel), Err: fmt.Errorf("not a regular file (mode %s)", fi.Mode().Type())}
			}
			if fi.Size() > MaxFileSize {
				return &FileError{Path: filepath.Join(dir, childRel), Err: fmt.Errorf("file is %d bytes, more than the %d allowed", fi.Size(), MaxFileSize)}
			}
			total += fi.Size()
			if total > MaxChartSize {
				return &FileError{Path: dir, Err: fmt.Errorf("chart is larger than the %d bytes allowed", MaxChartSize)}
			}
			files = append(files, &File{Name: childRel})
			paths = append(paths, childAbs)
		}
		return nil
	}
	if err := walk(top, ""); err != nil {
		return nil, err
	}
	// Reading is independent per file; on a chart of hundreds of files the
	// system calls are most of the walk, so they run on all cores.
	errs := make([]error, len(files))
	parallel.ForEach(len(files), func(i int) {
		data, err := os.ReadFile(paths[i])
		files[i].Data, errs[i] = bytes.TrimPrefix(data, utf8BOM), err
	})
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("load chart %s: %w", dir, err)
		}
	}
	c, err := LoadFiles(dir, files)
	if err != nil {
		return nil, err
	}
	if err := resolveLocalDependencies(c, top); err != nil {
		return nil, err
	}
	return c, nil
}
