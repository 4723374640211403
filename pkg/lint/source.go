package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kpkg/kpkg/pkg/chart"
)

// source gives the checks raw access to a chart's files, so that each file
// can be checked on its own even when the chart as a whole does not load.
type source struct {
	origin string
	// read returns a file's bytes; fs.ErrNotExist when it is missing.
	read func(name string) ([]byte, error)
	// isDir reports whether name exists and is a directory.
	isDir func(name string) (exists, dir bool)
	load  func() (*chart.Chart, error)
}

// openSource opens a chart directory or a .tgz/.tar.gz archive. It fails
// when the path holds no chart at all, which is not a lint finding but a
// wrong argument.
func openSource(path string) (*source, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("lint %s: %w", path, err)
	}
	if !fi.IsDir() {
		return archiveSource(path)
	}
	if _, err := os.Stat(filepath.Join(path, "Chart.yaml")); err != nil {
		return nil, fmt.Errorf("unable to check Chart.yaml file in chart: %w", err)
	}
	return &source{
		origin: path,
		read: func(name string) ([]byte, error) {
			return os.ReadFile(filepath.Join(path, filepath.FromSlash(name)))
		},
		isDir: func(name string) (bool, bool) {
			fi, err := os.Stat(filepath.Join(path, filepath.FromSlash(name)))
			return err == nil, err == nil && fi.IsDir()
		},
		load: func() (*chart.Chart, error) { return chart.LoadDir(path) },
	}, nil
}

func archiveSource(path string) (*source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lint %s: %w", path, err)
	}
	defer f.Close()
	files, err := chart.ReadArchive(path, f)
	if err != nil {
		return nil, fmt.Errorf("unable to extract tarball: %w", err)
	}
	byName := make(map[string][]byte, len(files))
	for _, file := range files {
		byName[file.Name] = file.Data
	}
	if _, ok := byName["Chart.yaml"]; !ok {
		return nil, fmt.Errorf("unable to check Chart.yaml file in chart %s: no Chart.yaml at the top of the archive", path)
	}
	return &source{
		origin: path,
		read: func(name string) ([]byte, error) {
			if data, ok := byName[name]; ok {
				return data, nil
			}
			return nil, fs.ErrNotExist
		},
		isDir: func(name string) (bool, bool) {
			prefix := strings.TrimSuffix(name, "/") + "/"
			for n := range byName {
				if strings.HasPrefix(n, prefix) {
					return true, true
				}
			}
			_, ok := byName[name]
			return ok, false
		},
		load: func() (*chart.Chart, error) { return chart.LoadFiles(path, files) },
	}, nil
}

// readOptional reads name, reporting (nil, false, nil) when it is missing.
func (s *source) readOptional(name string) ([]byte, bool, error) {
	data, err := s.read(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}
