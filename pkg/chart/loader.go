package chart

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Loader loads charts within Limits. The zero value applies the default
// limits, as adjusted by the KPKG_MAX_CHART_* environment variables; the
// package-level Load functions use it.
type Loader struct {
	// Limits bound the whole load: the chart, its subcharts, the archives
	// nested in it and its file:// dependencies together.
	Limits Limits
}

// Load reads a chart from a directory or a .tgz archive.
func Load(name string) (*Chart, error) { return Loader{}.Load(name) }

// LoadDir reads an unpacked chart; see Loader.LoadDir.
func LoadDir(dir string) (*Chart, error) { return Loader{}.LoadDir(dir) }

// LoadArchiveFile reads a chart from a .tgz file.
func LoadArchiveFile(name string) (*Chart, error) { return Loader{}.LoadArchiveFile(name) }

// LoadArchive reads a chart from a gzipped tar stream; see Loader.LoadArchive.
func LoadArchive(origin string, r io.Reader) (*Chart, error) {
	return Loader{}.LoadArchive(origin, r)
}

// LoadFiles builds a chart from its files; see Loader.LoadFiles.
func LoadFiles(origin string, files []*File) (*Chart, error) {
	return Loader{}.LoadFiles(origin, files)
}

// ReadArchive extracts a chart archive into memory; see Loader.ReadArchive.
func ReadArchive(origin string, r io.Reader) ([]*File, error) {
	return Loader{}.ReadArchive(origin, r)
}

// Load reads a chart from a directory or a .tgz archive.
func (l Loader) Load(name string) (*Chart, error) {
	s, err := l.start()
	if err != nil {
		return nil, err
	}
	return s.load(name)
}

// LoadDir reads an unpacked chart. The top-level .helmignore applies to the
// whole tree, subcharts included, as in Helm; symbolic links are followed.
// file:// dependencies that charts/ does not vendor are loaded from their
// paths.
func (l Loader) LoadDir(dir string) (*Chart, error) {
	s, err := l.start()
	if err != nil {
		return nil, err
	}
	return s.loadDir(dir)
}

// LoadArchiveFile reads a chart from a .tgz file.
func (l Loader) LoadArchiveFile(name string) (*Chart, error) {
	s, err := l.start()
	if err != nil {
		return nil, err
	}
	return s.loadArchiveFile(name)
}

// LoadArchive reads a chart from a gzipped tar stream; origin names it in
// errors. The archive's single top-level directory is the chart root.
func (l Loader) LoadArchive(origin string, r io.Reader) (*Chart, error) {
	s, err := l.start()
	if err != nil {
		return nil, err
	}
	return s.loadArchive(origin, r)
}

// LoadFiles builds a chart from its files. origin prefixes file names in
// errors (the chart directory or archive the files came from). The files
// count against the limits, with the subchart archives among them.
func (l Loader) LoadFiles(origin string, files []*File) (*Chart, error) {
	s, err := l.start()
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := s.budget.takeFile(origin, f.Name); err != nil {
			return nil, err
		}
		if err := s.budget.takeBytes(origin, f.Name, int64(len(f.Data))); err != nil {
			return nil, err
		}
	}
	return s.loadFiles(origin, files)
}

// ReadArchive extracts a chart archive into memory without loading it. It
// refuses entries that would land outside the chart (absolute paths, "..",
// links, devices) and archives past the limits; nested archives stay packed.
func (l Loader) ReadArchive(origin string, r io.Reader) ([]*File, error) {
	s, err := l.start()
	if err != nil {
		return nil, err
	}
	return s.readArchive(origin, r)
}

func (l Loader) start() (*loadState, error) {
	lim, err := l.Limits.resolved()
	if err != nil {
		return nil, fmt.Errorf("chart limits: %w", err)
	}
	return &loadState{budget: &budget{lim: lim}}, nil
}

// loadState is one load in progress: the budget all its parts share, how
// deep the current chart is, and the chart directories being loaded around
// it (to catch file:// dependency cycles).
type loadState struct {
	budget *budget
	depth  int
	dirs   []string
}

// sub is the state for a subchart of the chart at origin.
func (s *loadState) sub(origin string) (*loadState, error) {
	if s.depth >= s.budget.lim.MaxDepth {
		return nil, &LimitError{Path: origin, Limit: LimitDepth, Max: int64(s.budget.lim.MaxDepth), Env: EnvMaxDepth}
	}
	return &loadState{budget: s.budget, depth: s.depth + 1, dirs: s.dirs}, nil
}

func (s *loadState) load(name string) (*Chart, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	if fi.IsDir() {
		return s.loadDir(name)
	}
	return s.loadArchiveFile(name)
}

func (s *loadState) loadArchiveFile(name string) (*Chart, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	defer f.Close()
	return s.loadArchive(name, f)
}

func (s *loadState) loadArchive(origin string, r io.Reader) (*Chart, error) {
	files, err := s.readArchive(origin, r)
	if err != nil {
		return nil, err
	}
	return s.loadFiles(origin, files)
}

// enterDir records that the chart directory real is being loaded and fails
// when it already is: a file:// dependency leads back to a chart that
// depends on it.
func (s *loadState) enterDir(dir, real string) error {
	for i, d := range s.dirs {
		if d == real {
			cycle := append(append([]string{}, s.dirs[i:]...), real)
			return &DependencyCycleError{Path: dir, Cycle: cycle}
		}
	}
	s.dirs = append(s.dirs[:len(s.dirs):len(s.dirs)], real)
	return nil
}

// DependencyCycleError is a file:// dependency that leads back to a chart
// that depends on it.
type DependencyCycleError struct {
	// Path is the chart directory reached a second time.
	Path string
	// Cycle lists the chart directories of the cycle, first and last the same.
	Cycle []string
}

func (e *DependencyCycleError) Error() string {
	return fmt.Sprintf("%s: file:// dependencies form a cycle: %s", e.Path, strings.Join(e.Cycle, " -> "))
}

// Is makes a cycle an ErrInvalidChart.
func (e *DependencyCycleError) Is(target error) bool { return target == ErrInvalidChart }

// realDir is dir's absolute path with symbolic links resolved, so that two
// spellings of one directory compare equal.
func realDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}
