package repo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/atomicfile"
	"github.com/kpkg/kpkg/pkg/provenance"
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
	// Signer, when set, signs the archive and writes its provenance file
	// as "<archive>.prov" beside it; nil writes no provenance file.
	Signer *provenance.Signer
}

// Package writes chartDir as "<name>-<version>.tgz" and returns its path.
// The archive is byte-for-byte the same for the same input, and is written
// through a temporary file so a failure leaves nothing behind. With a
// Signer, the archive is signed before either file is written.
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
	// As Helm, every declared dependency must be in charts/: one loaded
	// from its file:// path would not be in the archive Helm writes.
	if err := chart.CheckVendoredDependencies(c); err != nil {
		return "", err
	}
	dest := opts.DestDir
	if dest == "" {
		dest = "."
	}
	target := filepath.Join(dest, chart.ArchiveName(c))
	if opts.Signer != nil {
		return target, writeSigned(ctx, c, target, opts)
	}
	err = atomicfile.Write(target, 0o644, func(w io.Writer) error {
		return chart.WriteArchive(ctx, w, c, chart.ArchiveOptions{ModTime: opts.ModTime})
	})
	if err != nil {
		return "", err
	}
	return target, nil
}

// writeSigned builds the archive in memory, signs it, then writes the
// archive and "<archive>.prov"; if the second write fails the first is
// undone.
func writeSigned(ctx context.Context, c *chart.Chart, target string, opts PackageOptions) error {
	var buf bytes.Buffer
	if err := chart.WriteArchive(ctx, &buf, c, chart.ArchiveOptions{ModTime: opts.ModTime}); err != nil {
		return err
	}
	prov, err := opts.Signer.Sign(filepath.Base(target), buf.Bytes())
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(target, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(target+".prov", prov, 0o644); err != nil {
		_ = os.Remove(target)
		return err
	}
	return nil
}
