package chart

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// readArchive extracts a chart archive into memory, charging every byte
// inflated and every entry to the load's budget.
func (s *loadState) readArchive(origin string, r io.Reader) ([]*File, error) {
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
	counted := &countingReader{r: gz, b: s.budget, origin: origin}
	tr := tar.NewReader(counted)

	var files []*File
	for {
		counted.entry = ""
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, archiveReadError(origin, "", err)
		}
		if err := s.budget.takeFile(origin, hdr.Name); err != nil {
			return nil, err
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
		if err := s.budget.fileTooLarge(origin, hdr.Name, hdr.Size); err != nil {
			return nil, err
		}
		// A size the budget cannot hold fails before anything is allocated.
		if err := s.budget.wouldExceed(origin, hdr.Name, hdr.Size); err != nil {
			return nil, err
		}
		counted.entry = hdr.Name
		data, err := readEntry(tr, hdr.Size)
		if err != nil {
			return nil, archiveReadError(origin, hdr.Name, err)
		}
		files = append(files, &File{Name: name, Data: bytes.TrimPrefix(data, utf8BOM)})
	}
	if len(files) == 0 {
		return nil, bad("", errors.New("archive holds no chart files"))
	}
	return files, nil
}

// readEntry reads an entry of size bytes. The size is the archive's word:
// past 16 MiB (possible only with raised limits) the buffer grows with the
// bytes that arrive instead of being allocated up front.
func readEntry(r io.Reader, size int64) ([]byte, error) {
	if size <= 16<<20 {
		data := make([]byte, size)
		_, err := io.ReadFull(r, data)
		return data, err
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, size))
	if err == nil && n < size {
		err = io.ErrUnexpectedEOF
	}
	return buf.Bytes(), err
}

// archiveReadError reports a failure to read the archive: a limit passed
// while inflating, or a corrupt stream.
func archiveReadError(origin, entry string, err error) error {
	var lim *LimitError
	if errors.As(err, &lim) {
		return lim
	}
	if entry != "" {
		return &FileError{Path: origin, Err: fmt.Errorf("entry %q: corrupt archive: %w", entry, err)}
	}
	return &FileError{Path: origin, Err: fmt.Errorf("corrupt archive: %w", err)}
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
