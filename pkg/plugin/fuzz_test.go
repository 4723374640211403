package plugin_test

import (
	"os"
	"path/filepath"
	"testing"

	helmplugin "helm.sh/helm/v3/pkg/plugin"

	"github.com/kpkg/kpkg/pkg/internal/fuzzcheck"
	"github.com/kpkg/kpkg/pkg/plugin"
)

// FuzzLoadPlugin reads a fuzzed plugin.yaml: kpkg must accept exactly the
// files Helm's plugin.LoadDir accepts, at a cost proportional to the file.
func FuzzLoadPlugin(f *testing.F) {
	for _, name := range []string{"envprinter", "hooker", "testgetter"} {
		if data, err := os.ReadFile(filepath.Join("../../testdata/plugins", name, "plugin.yaml")); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("name: a\nusage: \"x\\ty\"\ncommand: $HELM_PLUGIN_DIR/a\nplatformCommand:\n- os: linux\n  command: a\n  args: [x]\nhooks:\n  install: echo\n"))
	f.Add([]byte("name: a b\n"))
	f.Add([]byte("name: a\nunknown: 1\n"))
	f.Add([]byte("Name: a\nVERSION: 1\nignoreFlags: yes\n"))
	f.Add([]byte("null\n"))
	// Helm prints its warnings to standard output.
	stdout := os.Stdout
	if devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		os.Stdout = devnull
		f.Cleanup(func() { os.Stdout = stdout; devnull.Close() })
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, plugin.FileName), data, 0o644); err != nil {
			t.Fatal(err)
		}
		var err error
		fuzzcheck.Bounded(t, len(data), 512, 8<<20, func() { _, err = plugin.LoadDir(dir) })
		_, herr := helmplugin.LoadDir(dir)
		if (err == nil) != (herr == nil) {
			t.Fatalf("verdicts differ:\nkpkg: %v\nhelm: %v", err, herr)
		}
	})
}
