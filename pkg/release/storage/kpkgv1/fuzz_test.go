package kpkgv1

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kpkg/kpkg/pkg/internal/fuzzcheck"
)

// FuzzDecode: a payload of the format kpkg wrote before Helm's is decoded
// and converted without panics and in memory bounded by what it inflates
// to. The seeds are payloads as that kpkg wrote them.
func FuzzDecode(f *testing.F) {
	for _, o := range legacySecrets(f, 1, "deployed", 1<<20) {
		if s, ok := o.(*corev1.Secret); ok {
			f.Add(s.Data[dataKey])
		}
	}
	f.Add([]byte{0x1f, 0x8b, 0x08})
	f.Add([]byte(`{"format":1}`))
	d := New(nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzcheck.Bounded(t, int(inflated(data))+len(data), 64, 8<<20, func() {
			if p, err := d.decode(data); err == nil {
				_ = p.convert(legacyInfo{})
			}
		})
	})
}

func inflated(data []byte) int64 {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return 0
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(zr, 64<<20))
	return n
}
