package chart

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/kpkg/kpkg/pkg/internal/parallel"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// loadDir reads the chart directory dir and, afterwards, its file://
// dependencies.
func (s *loadState) loadDir(dir string) (*Chart, error) {
	top, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	real, err := realDir(top)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	if err := s.enterDir(dir, real); err != nil {
		return nil, err
	}
	rules := &IgnoreRules{}
	if data, err := readFileLimit(filepath.Join(top, ".helmignore"), s.budget.lim.MaxFileSize); err == nil {
		if rules, err = ParseIgnore(data); err != nil {
			return nil, &FileError{Path: filepath.Join(dir, ".helmignore"), Err: err}
		}
	}
	rules.addDefaults()

	w := &dirWalk{s: s, dir: dir, rules: rules}
	if err := w.walk(top, "", []string{real}); err != nil {
		return nil, err
	}
	if err := w.read(); err != nil {
		return nil, err
	}
	c, err := s.loadFiles(dir, w.files)
	if err != nil {
		return nil, err
	}
	if err := s.resolveLocalDependencies(c, top); err != nil {
		return nil, err
	}
	return c, nil
}

// dirWalk collects the files of a chart directory.
type dirWalk struct {
	s     *loadState
	dir   string // as the caller spelled it, for errors
	rules *IgnoreRules
	files []*File
	paths []string // absolute path of files[i]
}

// walk visits the directory abs (rel inside the chart). ancestors are the
// real paths of the directories around it: a symbolic link back to one of
// them would make the walk endless.
func (w *dirWalk) walk(abs, rel string, ancestors []string) error {
	entries, err := os.ReadDir(abs)
	if err != nil {
		return fmt.Errorf("load chart %s: %w", w.dir, err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		childAbs := filepath.Join(abs, e.Name())
		childRel := e.Name()
		if rel != "" {
			childRel = rel + "/" + e.Name()
		}
		shown := filepath.Join(w.dir, childRel)
		fi, err := os.Stat(childAbs) // follows links, as Helm does
		if err != nil {
			return &FileError{Path: shown, Err: err}
		}
		if w.rules.Ignore(childRel, fi.IsDir()) {
			continue
		}
		if err := w.s.budget.takeFile(shown, ""); err != nil {
			return err
		}
		if fi.IsDir() {
			real, err := filepath.EvalSymlinks(childAbs)
			if err != nil {
				return &FileError{Path: shown, Err: err}
			}
			for _, a := range ancestors {
				if a == real {
					return &FileError{Path: shown, Err: errors.New("symbolic link to a directory that contains it")}
				}
			}
			if err := w.walk(childAbs, childRel, append(ancestors[:len(ancestors):len(ancestors)], real)); err != nil {
				return err
			}
			continue
		}
		if !fi.Mode().IsRegular() {
			return &FileError{Path: shown, Err: fmt.Errorf("not a regular file (mode %s)", fi.Mode().Type())}
		}
		if err := w.s.budget.fileTooLarge(shown, "", fi.Size()); err != nil {
			return err
		}
		if err := w.s.budget.takeBytes(shown, "", fi.Size()); err != nil {
			return err
		}
		w.files = append(w.files, &File{Name: childRel})
		w.paths = append(w.paths, childAbs)
	}
	return nil
}

// read loads the collected files. Reading is independent per file; on a
// chart of hundreds of files the system calls are most of the walk, so they
// run on all cores. A file that grew since the walk is refused rather than
// read past its limit.
func (w *dirWalk) read() error {
	errs := make([]error, len(w.files))
	parallel.ForEach(len(w.files), func(i int) {
		data, err := readFileLimit(w.paths[i], w.s.budget.lim.MaxFileSize)
		if err != nil {
			errs[i] = &FileError{Path: filepath.Join(w.dir, w.files[i].Name), Err: err}
			return
		}
		w.files[i].Data = bytes.TrimPrefix(data, utf8BOM)
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// readFileLimit reads the file p, refusing one over limit bytes.
func readFileLimit(p string, limit int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, plusOne(limit)))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file grew past the %d bytes allowed while the chart was loading", limit)
	}
	return data, nil
}
