package repo

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/atomicfile"
)

// PackageOptions control Package. The zero value packages the chart as it
// is into the current directory.
type PackageOptions struct {
	// Version and AppVersion override Chart.yaml's.
	Version    string
	AppVersion string
	// DestDir receives the archive; empty means ".".
	DestDir string
	// DependencyUpdate runs UpdateDependencies first.
	DependencyUpdate bool
	// Dependencies configures that update.
	Dependencies DependencyOptions
	// ModTime dates the archive's entries; zero means the Unix epoch.
	ModTime time.Time
}

// Package writes chartDir as "<name>-<version>.tgz" and returns its path.
// The archive is byte-for-byte the same for the same input, and is written
// through a temporary file so a failure leaves nothing behind.
func Package(ctx context.Context, chartDir string, opts PackageOptions) (string, error) {
	if opts.DependencyUpdate {
		if err := UpdateDependencies(ctx, chartDir, opts.Dependencies); err != nil {
			return "", err
		}
	}
	c, err := chart.LoadDir(chartDir)
	if err != nil {
		return "", err
	}
	if opts.Version != "" {
		if _, err := semver.NewVersion(opts.Version); err != nil {
			return "", fmt.Errorf("version %q is not SemVer 2: %w", opts.Version, err)
		}
		c.Metadata.Version = opts.Version
	}
	if opts.AppVersion != "" {
		c.Metadata.AppVersion = opts.AppVersion
	}
	if err := chart.CheckDependencies(c); err != nil {
		return "", err
	}
	dest := opts.DestDir
	if dest == "" {
		dest = "."
	}
	target := filepath.Join(dest, chart.ArchiveName(c))
	err = atomicfile.Write(target, 0o644, func(w io.Writer) error {
		return chart.WriteArchive(ctx, w, c, chart.ArchiveOptions{ModTime: opts.ModTime})
	})
	if err != nil {
		return "", err
	}
	return target, nil
}
