package chart

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"path"
	"time"

	"sigs.k8s.io/yaml"
)

// ArchiveOptions control WriteArchive. The zero value writes a reproducible
// archive: every entry is dated at the Unix epoch and owned by uid/gid 0.
type ArchiveOptions struct {
	// ModTime dates every entry; zero means the Unix epoch. Set it from
	// SOURCE_DATE_EPOCH to date archives the reproducible-builds way.
	ModTime time.Time
}

// ArchiveName is the file name Helm gives a packaged chart:
// "<name>-<version>.tgz".
func ArchiveName(c *Chart) string {
	return fmt.Sprintf("%s-%s.tgz", c.Name(), c.Metadata.Version)
}

// WriteArchive writes c as a gzipped tar in Helm's package layout: every file
// under "<name>/", Chart.yaml first (serialised from c.Metadata, so version
// overrides take effect), then Chart.lock, values.yaml, values.schema.json,
// templates, the other files and, recursively, subcharts as directories under
// "charts/". The same chart always gives the same bytes: fixed dates and
// owners, load order, and a gzip header with no name or timestamp.
func WriteArchive(ctx context.Context, w io.Writer, c *Chart, opts ArchiveOptions) error {
	if c == nil || c.Metadata == nil {
		return fmt.Errorf("write chart archive: no chart metadata")
	}
	if err := c.Metadata.Validate(); err != nil {
		return fmt.Errorf("write chart archive for %s: Chart.yaml: %w", c.Name(), err)
	}
	mtime := opts.ModTime
	if mtime.IsZero() {
		mtime = time.Unix(0, 0)
	}
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	aw := &archiveWriter{ctx: ctx, tw: tw, mtime: mtime.UTC().Truncate(time.Second)}
	if err := aw.writeChart(c, c.Name()); err != nil {
		return fmt.Errorf("write chart archive for %s: %w", c.Name(), err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("write chart archive for %s: %w", c.Name(), err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("write chart archive for %s: %w", c.Name(), err)
	}
	return nil
}

type archiveWriter struct {
	ctx   context.Context
	tw    *tar.Writer
	mtime time.Time
}

func (a *archiveWriter) writeChart(c *Chart, base string) error {
	if err := a.ctx.Err(); err != nil {
		return err
	}
	md, err := yaml.Marshal(c.Metadata)
	if err != nil {
		return fmt.Errorf("serialise Chart.yaml: %w", err)
	}
	if err := a.add(base, "Chart.yaml", md); err != nil {
		return err
	}
	if c.Lock != nil && c.Metadata.APIVersion == APIVersionV2 {
		lock, err := yaml.Marshal(c.Lock)
		if err != nil {
			return fmt.Errorf("serialise Chart.lock: %w", err)
		}
		if err := a.add(base, "Chart.lock", lock); err != nil {
			return err
		}
	}
	for _, f := range c.Raw {
		if f.Name == "values.yaml" {
			if err := a.add(base, f.Name, f.Data); err != nil {
				return err
			}
		}
	}
	if c.Schema != nil {
		if err := a.add(base, "values.schema.json", c.Schema); err != nil {
			return err
		}
	}
	for _, group := range [][]*File{c.Templates, c.Files} {
		for _, f := range group {
			if err := a.add(base, f.Name, f.Data); err != nil {
				return err
			}
		}
	}
	for _, dep := range c.Dependencies() {
		if err := a.writeChart(dep, path.Join(base, "charts", dep.Name())); err != nil {
			return err
		}
	}
	return nil
}

func (a *archiveWriter) add(base, name string, data []byte) error {
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     path.Join(base, name),
		Mode:     0o644,
		Size:     int64(len(data)),
		ModTime:  a.mtime,
	}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("add %s: %w", hdr.Name, err)
	}
	if _, err := a.tw.Write(data); err != nil {
		return fmt.Errorf("add %s: %w", hdr.Name, err)
	}
	return nil
}
