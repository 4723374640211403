package chart

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// Limits on what a chart may hold; they bound memory when reading archives
// from untrusted sources.
const (
	// MaxFileSize is the largest single file a chart may contain.
	MaxFileSize = 5 << 20
	// MaxChartSize is the largest total size of a chart's files.
	MaxChartSize = 100 << 20
)

// LoadArchiveFile reads a chart from a .tgz file.
func LoadArchiveFile(name string) (*Chart, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	defer f.Close()
	return LoadArchive(name, f)
}

// LoadArchive reads a chart from a gzipped tar stream; origin names it in
// errors. The archive's single top-level directory is the chart root.
func LoadArchive(origin string, r io.Reader) (*Chart, error) {
	files, err := ReadArchive(origin, r)
	if err != nil {
		return nil, err
	}
	return LoadFiles(origin, files)
}

// ReadArchive extracts a chart archive into memory. It refuses entries that
// would land outside the chart (absolute paths, "..", links), files over
// MaxFileSize and archives over MaxChartSize in total.
func ReadArchive(origin string, r io.Reader) ([]*File, error) {
	bad := func(entry string, err error) error {
		if entry == "" {
			return &FileError{Path: origin, Err: err}
		}
		return &FileError{Path: origin, Err: fmt.Errorf("entry %q: %w", entry, err)}
	}
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, bad("", fmt.Errorf("not a gzip archive: %w", err))
	}
	defer gz.Close()
	tr := tar.NewReader(gz)

	var files []*File
	var total int64
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, bad("", fmt.Errorf("corrupt archive: %w", err))
		}
		switch hdr.Typeflag {
		case tar.TypeDir, tar.TypeXGlobalHeader, tar.TypeXHeader:
			continue
		case tar.TypeReg, tar.TypeRegA:
		case tar.TypeSymlink, tar.TypeLink:
			return nil, bad(hdr.Name, errors.New("links are not allowed in a chart archive"))
		default:
			return nil, bad(hdr.Name, fmt.Errorf("unsupported entry type %q", string(hdr.Typeflag)))
		}
		name, err := archiveEntryName(hdr.Name)
		if err != nil {
			return nil, bad(hdr.Name, err)
		}
		if name == "" {
			continue
		}
		if hdr.Size > MaxFileSize {
			return nil, bad(hdr.Name, fmt.Errorf("file is %d bytes, more than the %d allowed", hdr.Size, MaxFileSize))
		}
		total += hdr.Size
		if total > MaxChartSize {
			return nil, bad("", fmt.Errorf("archive holds more than the %d bytes allowed", MaxChartSize))
		}
		var buf bytes.Buffer
		n, err := io.Copy(&buf, io.LimitReader(tr, MaxFileSize+1))
		if err != nil {
			return nil, bad(hdr.Name, fmt.Errorf("corrupt archive: %w", err))
		}
		if n > MaxFileSize {
			return nil, bad(hdr.Name, fmt.Errorf("file is more than the %d bytes allowed", MaxFileSize))
		}
		files = append(files, &File{Name: name, Data: bytes.TrimPrefix(buf.Bytes(), utf8BOM)})
	}
	if len(files) == 0 {
		return nil, bad("", errors.New("archive holds no chart files"))
	}
	return files, nil
}

// archiveEntryName strips the top-level chart directory from an entry name
// and rejects names that could escape the chart.
func archiveEntryName(raw string) (string, error) {
	name := strings.ReplaceAll(raw, `\`, "/")
	if strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':') {
		return "", errors.New("absolute paths are not allowed")
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", errors.New("path leaves the chart directory")
		}
	}
	clean := path.Clean(name)
	_, rest, ok := strings.Cut(clean, "/")
	if !ok {
		// A file at the archive root, outside any chart directory: Helm
		// treats it as belonging to the root as well.
		return clean, nil
	}
	return rest, nil
}
