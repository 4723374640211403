package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/atomicfile"
)

// PullOptions control Pull. The zero value saves the archive in the current
// directory.
type PullOptions struct {
	// DestDir receives "<name>-<version>.tgz"; empty means ".".
	DestDir string
	// Untar unpacks the chart into UntarDir/<name> instead of saving the
	// archive.
	Untar bool
	// UntarDir is relative to DestDir unless absolute; empty means DestDir.
	UntarDir string
}

// PullResult says what was fetched and where it went.
type PullResult struct {
	*Fetched
	// Path is the archive written, or the directory unpacked.
	Path string
	// ProvPath is the provenance file written beside the archive, when
	// ChartRequest.Provenance asked for one and the chart has one.
	ProvPath string
}

// Pull fetches req and saves it. Files appear whole or not at all: the
// archive is written through a temporary file, and an unpacked chart is
// built in a temporary directory that is renamed into place. With
// req.Provenance, the provenance file is saved as "<archive>.prov" (not when
// unpacking), and a chart that fails verification is not saved at all.
func Pull(ctx context.Context, req ChartRequest, opts PullOptions) (*PullResult, error) {
	f, err := Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	dest := opts.DestDir
	if dest == "" {
		dest = "."
	}
	if !opts.Untar {
		return saveArchive(f, filepath.Join(dest, chart.ArchiveName(f.Chart)))
	}
	dir := opts.UntarDir
	if dir == "" {
		dir = dest
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join(dest, dir)
	}
	target := filepath.Join(dir, f.Chart.Name())
	if err := untar(f, target); err != nil {
		return nil, err
	}
	return &PullResult{Fetched: f, Path: target}, nil
}

// saveArchive writes the archive and its provenance file, if any; when the
// second write fails the first is undone, so they come as a pair.
func saveArchive(f *Fetched, target string) (*PullResult, error) {
	if err := atomicfile.WriteFile(target, f.Data, 0o644); err != nil {
		return nil, err
	}
	res := &PullResult{Fetched: f, Path: target}
	if f.Prov == nil {
		return res, nil
	}
	res.ProvPath = target + ".prov"
	if err := atomicfile.WriteFile(res.ProvPath, f.Prov, 0o644); err != nil {
		_ = os.Remove(target)
		return nil, err
	}
	return res, nil
}

// untar unpacks the archive (already checked for unsafe paths by
// chart.ReadArchive) into target, which must not exist yet.
func untar(f *Fetched, target string) error {
	if _, err := os.Stat(target); err == nil {
		return fmt.Errorf("untar %s: a file or directory named %s already exists", f.Source, target)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("untar %s: %w", f.Source, err)
	}
	files, err := chart.ReadArchive(f.Source, bytes.NewReader(f.Data))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("untar %s: %w", f.Source, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("untar %s: %w", f.Source, err)
	}
	defer os.RemoveAll(tmp)
	for _, file := range files {
		p := filepath.Join(tmp, filepath.FromSlash(file.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("untar %s: %w", f.Source, err)
		}
		if err := os.WriteFile(p, file.Data, 0o644); err != nil {
			return fmt.Errorf("untar %s: %w", f.Source, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("untar %s: %w", f.Source, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("untar %s: %w", f.Source, err)
	}
	return nil
}
