package record

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	kgzip "github.com/klauspost/compress/gzip"
)

// DefaultMaxDecoded bounds the JSON a payload may decompress to, so a
// hostile record (a gzip bomb in a Secret) costs at most this much memory.
// kube-prometheus-stack's revision is about 6 MiB.
const DefaultMaxDecoded = 256 << 20

// ErrTooLarge is returned when a payload decompresses to more than the
// limit.
var ErrTooLarge = errors.New("release payload exceeds the size limit")

// Level is a gzip compression level.
type Level int

// Compression levels. Helm always uses Best, to stay under its 1 MiB
// limit; Default writes kube-prometheus-stack's 5 MB manifest in 42 ms
// where Best takes 620 ms, for 6% more bytes, so writers try Default first.
const (
	Default Level = Level(kgzip.DefaultCompression)
	Best    Level = Level(kgzip.BestCompression)
)

// Encode is gzip(JSON) of rel, as Helm stores it before base64.
func Encode(rel *Release, level Level) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := kgzip.NewWriterLevel(&buf, int(level))
	if err != nil {
		return nil, err
	}
	if err := json.NewEncoder(zw).Encode(rel); err != nil {
		return nil, fmt.Errorf("encode release %s revision %d: %w", rel.Name, rel.Version, err)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var gzipMagic = []byte{0x1f, 0x8b, 0x08}

// Decode reads gzip(JSON) or plain JSON, as Helm does, decompressing at
// most max bytes (DefaultMaxDecoded when max <= 0).
func Decode(data []byte, max int64) (*Release, error) {
	if max <= 0 {
		max = DefaultMaxDecoded
	}
	raw := data
	if bytes.HasPrefix(data, gzipMagic) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("decompress release payload: %w", err)
		}
		raw, err = io.ReadAll(io.LimitReader(zr, max+1))
		if err != nil {
			return nil, fmt.Errorf("decompress release payload: %w", err)
		}
		if int64(len(raw)) > max {
			return nil, fmt.Errorf("%w: decompresses to more than %d bytes", ErrTooLarge, max)
		}
	}
	var rel Release
	if err := json.Unmarshal(raw, &rel); err != nil {
		return nil, fmt.Errorf("parse release payload: %w", err)
	}
	if rel.Info == nil {
		return nil, errors.New("parse release payload: no info")
	}
	return &rel, nil
}
