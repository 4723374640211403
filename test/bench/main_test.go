package bench

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain removes the generated charts and built binaries the benchmarks
// keep across -count repetitions.
func TestMain(m *testing.M) {
	code := m.Run()
	scalingInputs.Range(func(_, v any) bool {
		os.RemoveAll(filepath.Dir(v.(renderInput).chartDir))
		return true
	})
	if binariesDir != "" {
		os.RemoveAll(binariesDir)
	}
	os.Exit(code)
}
