package plugin

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ArchiveLimits bound what extracting a plugin archive may write. Zero
// fields take the defaults below.
type ArchiveLimits struct {
	// MaxDownload bounds the archive itself (compressed).
	MaxDownload int64
	// MaxTotal bounds the sum of the extracted files' sizes; it also bounds
	// each file.
	MaxTotal int64
	// MaxEntries bounds the number of entries.
	MaxEntries int
}

// Default archive limits: plugins that ship binaries for one platform are
// tens of megabytes.
const (
	DefaultMaxArchive        = 256 << 20
	DefaultMaxExtracted      = 512 << 20
	DefaultMaxArchiveEntries = 10000
)

func (l ArchiveLimits) withDefaults() ArchiveLimits {
	if l.MaxDownload <= 0 {
		l.MaxDownload = DefaultMaxArchive
	}
	if l.MaxTotal <= 0 {
		l.MaxTotal = DefaultMaxExtracted
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxArchiveEntries
	}
	return l
}

// extractTarGz writes the gzip'd tar data below target, which must exist.
// Only directories and regular files are accepted; names that are absolute,
// contain ".." or ":" are refused, so nothing lands outside target. Errors
// name the bad entry.
func extractTarGz(source string, data []byte, target string, lim ArchiveLimits) error {
	bad := func(entry string, err error) error { return &ArchiveError{Source: source, Entry: entry, Err: err} }
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return bad("", fmt.Errorf("not a gzip archive: %w", err))
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	var total int64
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return bad("", fmt.Errorf("corrupt archive: %w", err))
		}
		if n >= lim.MaxEntries {
			return bad("", fmt.Errorf("archive holds more than the %d entries allowed", lim.MaxEntries))
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		rel, err := entryPath(hdr.Name)
		if err != nil {
			return bad(hdr.Name, err)
		}
		dest := filepath.Join(target, filepath.FromSlash(rel))
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dest, 0o755); err != nil {
				return bad(hdr.Name, err)
			}
		case tar.TypeReg:
			total += hdr.Size
			if hdr.Size < 0 || total > lim.MaxTotal {
				return bad(hdr.Name, fmt.Errorf("archive contents are larger than the %d bytes allowed", lim.MaxTotal))
			}
			if err := writeEntry(dest, tr, hdr); err != nil {
				return bad(hdr.Name, err)
			}
		case tar.TypeSymlink, tar.TypeLink:
			return bad(hdr.Name, errors.New("links are not allowed in a plugin archive"))
		default:
			return bad(hdr.Name, fmt.Errorf("unsupported entry type %q", string(hdr.Typeflag)))
		}
	}
}

// entryPath cleans an entry name and refuses one that could leave the
// target: absolute, with a ".." element, or with ":" (a drive letter on
// Windows). Backslashes count as separators.
func entryPath(name string) (string, error) {
	name = strings.ReplaceAll(name, `\`, "/")
	switch {
	case strings.Contains(name, ":"):
		return "", errors.New(`names with ":" are not allowed`)
	case path.IsAbs(name):
		return "", errors.New("absolute paths are not allowed")
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", errors.New(`paths with ".." are not allowed`)
		}
	}
	return path.Clean(name), nil
}

// writeEntry writes one regular file; executables stay executable, other
// permission bits are normalised.
func writeEntry(dest string, r io.Reader, hdr *tar.Header) error {
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if hdr.Mode&0o111 != 0 {
		mode = 0o755
	}
	f, err := os.OpenFile(dest, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, io.LimitReader(r, hdr.Size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != hdr.Size {
		err = fmt.Errorf("archive ends inside the file (%d of %d bytes)", n, hdr.Size)
	}
	return err
}

// pluginRoot is where plugin.yaml sits in an extracted archive: at the top,
// or in one top-level directory (as Helm v4 also accepts; v3 wants the top).
func pluginRoot(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, FileName)); err == nil {
		return dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		sub := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(sub, FileName)); e.IsDir() && err == nil {
			return sub, nil
		}
	}
	return "", ErrNotPlugin
}
