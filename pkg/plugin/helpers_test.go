package plugin

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// fixtures is the repository's testdata/plugins.
var fixtures = filepath.Join("..", "..", "testdata", "plugins")

func fixture(t *testing.T, name string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// writePlugin creates dir/name/plugin.yaml with yaml and any extra files.
func writePlugin(t *testing.T, dir, name, yaml string, files map[string]string) string {
	t.Helper()
	pd := filepath.Join(dir, name)
	if err := os.MkdirAll(pd, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pd, FileName), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	for f, body := range files {
		if err := os.WriteFile(filepath.Join(pd, f), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return pd
}

func skipOnWindows(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("plugin fixtures are shell scripts")
	}
}

// testEnv is a plugin environment for tests: PATH so scripts find sh and
// coreutils, plus a few Helm variables.
func testEnv(vars map[string]string) Env {
	return Env{Inherit: []string{"PATH=" + os.Getenv("PATH")}, Vars: vars}
}
