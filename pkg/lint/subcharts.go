package lint

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Subcharts lists the charts vendored under the charts/ directory of each
// chart directory in paths, at any depth: unpacked directories holding a
// Chart.yaml and .tgz archives. It is what --with-subcharts lints besides
// the charts themselves. Unreadable entries are skipped; linting a chart
// reports its own problems.
func Subcharts(paths []string) []string {
	var out []string
	for _, p := range paths {
		root := filepath.Join(p, "charts")
		if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
			continue
		}
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			switch {
			case d.Name() == "Chart.yaml" && !d.IsDir():
				out = append(out, filepath.Dir(path))
			case !d.IsDir() && (strings.HasSuffix(path, ".tgz") || strings.HasSuffix(path, ".tar.gz")):
				out = append(out, path)
			}
			return nil
		})
	}
	return out
}
