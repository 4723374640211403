package postrender

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	helmpostrender "helm.sh/helm/v3/pkg/postrender"
)

// TestMatchesHelm runs the same post-renderers through Helm v3's own exec
// post-renderer and through Run: where Helm succeeds the output must be the
// same, and a path Helm cannot resolve must not resolve here either.
func TestMatchesHelm(t *testing.T) {
	skipOnWindows(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script(t, bin, "on-path", "sed 's/kind: Service/kind: Svc/'")
	script(t, dir, "args.sh", `cat; printf -- '---\nargs: "%s|%s"\n' "$1" "$2"`)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Chdir(dir)
	tests := []struct {
		path string
		args []string
	}{
		{path: "on-path"},
		{path: "./args.sh", args: []string{"x", ""}},
		{path: "args.sh"},
		{path: "./nope"},
		{path: filepath.Join(bin, "on-path")},
	}
	for _, tt := range tests {
		hr, herr := helmpostrender.NewExec(tt.path, tt.args...)
		got, err := Run(context.Background(), Options{Path: tt.path, Args: tt.args}, []byte(manifest))
		if herr != nil {
			if err == nil {
				t.Errorf("%s: Helm fails to resolve it (%v), kpkg ran it", tt.path, herr)
			}
			continue
		}
		want, hrunErr := hr.Run(bytes.NewBufferString(manifest))
		if hrunErr != nil || err != nil {
			t.Errorf("%s: helm err %v, kpkg err %v", tt.path, hrunErr, err)
			continue
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: kpkg output\n%s\nHelm output\n%s", tt.path, got, want)
		}
	}
}
