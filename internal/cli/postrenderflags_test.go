package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/postrender"
)

func TestPostRenderFlags(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script as the post-renderer")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	renderer := filepath.Join(bin, "my-renderer")
	if err := os.WriteFile(renderer, []byte("#!/bin/sh\ncat\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Chdir(dir)
	tests := []struct {
		name    string
		args    []string
		want    *postrender.Options
		wantErr string
	}{
		{name: "none", args: nil, want: nil},
		{name: "name on PATH", args: []string{"--post-renderer", "my-renderer"}, want: &postrender.Options{Path: renderer}},
		{name: "relative path", args: []string{"--post-renderer=./bin/my-renderer"}, want: &postrender.Options{Path: renderer}},
		{name: "args in order, commas kept", args: []string{"--post-renderer-args", "a,b", "--post-renderer", renderer, "--post-renderer-args=", "--post-renderer-args", "c"},
			want: &postrender.Options{Path: renderer, Args: []string{"a,b", "", "c"}}},
		{name: "args alone are ignored", args: []string{"--post-renderer-args", "x"}, want: nil},
		{name: "empty path means none", args: []string{"--post-renderer="}, want: nil},
		{name: "missing", args: []string{"--post-renderer", "./nope"}, wantErr: `invalid argument "./nope" for "--post-renderer" flag: cannot find post-renderer "./nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f postRenderFlags
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			f.register(fs)
			err := fs.Parse(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.options(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestPostRenderFlagsHelp: the flags read as Helm's do in help output.
func TestPostRenderFlagsHelp(t *testing.T) {
	var f postRenderFlags
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	f.register(fs)
	usage := fs.FlagUsages()
	for _, want := range []string{"--post-renderer postRendererString", "--post-renderer-args postRendererArgsSlice", "(default [])"} {
		if !strings.Contains(usage, want) {
			t.Errorf("usage lacks %q:\n%s", want, usage)
		}
	}
}
