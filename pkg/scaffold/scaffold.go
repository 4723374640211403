package scaffold

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/kpkg/kpkg/pkg/internal/atomicfile"
)

// Placeholder is replaced by the chart name in the skeleton's and a
// starter's templates and values, as Helm starters expect.
const Placeholder = "<CHARTNAME>"

// maxNameLength keeps chart names within what file systems accept.
const maxNameLength = 250

var validName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

//go:embed all:skeleton
var skeleton embed.FS

// Options control Create. The zero value writes kpkg's skeleton.
type Options struct {
	// Starter is the chart directory or .tgz to copy instead of the
	// skeleton; see ResolveStarter.
	Starter string
	// Warn receives a line for each existing file that is replaced; nil
	// discards them.
	Warn func(format string, args ...any)
}

// File is one file of a new chart, named by its slash-separated path.
type File struct {
	Name string
	Data []byte
}

// Create writes a new chart into dir, named after dir's last element, and
// returns dir as an absolute path. Missing parent directories are created.
// dir must not exist, be empty, or already be a chart (holding Chart.yaml),
// whose files are then replaced one by one as Helm does; any other
// non-empty directory is refused, so nothing unrelated is overwritten.
func Create(ctx context.Context, dir string, opts Options) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("create chart %s: %w", dir, err)
	}
	name := filepath.Base(abs)
	if err := ValidateName(name); err != nil {
		return "", err
	}
	var files []File
	if opts.Starter != "" {
		files, err = starterFiles(opts.Starter, name)
	} else {
		files, err = Files(name)
	}
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return abs, write(abs, files, opts.Warn)
}

// ValidateName checks a chart name the way Helm does before creating it.
func ValidateName(name string) error {
	if name == "" || len(name) > maxNameLength {
		return fmt.Errorf("chart name must be between 1 and %d characters", maxNameLength)
	}
	if !validName.MatchString(name) || name == "." || name == ".." {
		return fmt.Errorf("chart name %q is not valid: use letters, digits, '.', '_' and '-' (lower case and '-' suit Kubernetes object names best)", name)
	}
	return nil
}

// Files returns kpkg's skeleton for a chart called name, in path order.
func Files(name string) ([]File, error) {
	var out []File
	err := fs.WalkDir(skeleton, "skeleton", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := skeleton.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "skeleton/")
		out = append(out, File{Name: rel, Data: substitute(data, name)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the built-in chart skeleton: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func substitute(data []byte, name string) []byte {
	return []byte(strings.ReplaceAll(string(data), Placeholder, name))
}

// write puts files into dir: a new directory is assembled next to dir and
// renamed into place; an existing one gets each file replaced atomically.
func write(dir string, files []File, warn func(string, ...any)) error {
	state, err := inspect(dir)
	if err != nil {
		return err
	}
	if state == missing {
		return writeNew(dir, files)
	}
	for _, f := range files {
		target := filepath.Join(dir, filepath.FromSlash(f.Name))
		if _, err := os.Stat(target); err == nil && warn != nil {
			warn("WARNING: File %q already exists. Overwriting.", target)
		}
		if err := atomicfile.WriteFile(target, f.Data, 0o644); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "charts"), 0o755); err != nil {
		return fmt.Errorf("create chart %s: %w", dir, err)
	}
	return nil
}

type dirState int

const (
	missing dirState = iota
	usable           // empty, or already a chart
)

func inspect(dir string) (dirState, error) {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return missing, nil
	}
	if err != nil {
		return 0, fmt.Errorf("create chart %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return 0, fmt.Errorf("create chart: file %s already exists and is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("create chart %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return usable, nil
	}
	if fi, err := os.Stat(filepath.Join(dir, "Chart.yaml")); err == nil && fi.Mode().IsRegular() {
		return usable, nil
	}
	return 0, fmt.Errorf("create chart: directory %s is not empty and holds no Chart.yaml; refusing to write a chart over unrelated files: choose another name or empty it", dir)
}

func writeNew(dir string, files []File) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create chart %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+"-*")
	if err != nil {
		return fmt.Errorf("create chart %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for _, f := range files {
		target := filepath.Join(tmp, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("create chart %s: %w", dir, err)
		}
		if err := os.WriteFile(target, f.Data, 0o644); err != nil {
			return fmt.Errorf("create chart %s: write %s: %w", dir, f.Name, err)
		}
	}
	if err := os.MkdirAll(filepath.Join(tmp, "charts"), 0o755); err != nil {
		return fmt.Errorf("create chart %s: %w", dir, err)
	}
	// MkdirTemp makes the directory 0700; a chart directory is 0755.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("create chart %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("create chart %s: %w", dir, err)
	}
	return nil
}
