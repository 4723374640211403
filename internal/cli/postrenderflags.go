package cli

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/postrender"
)

// postRenderFlags are Helm's --post-renderer and --post-renderer-args. As in
// Helm the executable is resolved while the flags are parsed, so a missing
// one fails before any rendering, and the arguments are taken whole (a comma
// does not split them).
type postRenderFlags struct {
	path string // resolved, absolute
	args []string
}

// register adds the two flags to fs.
func (f *postRenderFlags) register(fs *pflag.FlagSet) {
	fs.Var((*postRendererPath)(f), "post-renderer", "an executable that rewrites the rendered manifests (stdin to stdout): a path, or a name looked up in $PATH")
	fs.Var((*postRendererArgs)(f), "post-renderer-args", "an argument for the post-renderer; repeat the flag for more")
}

// options returns the post-renderer to run, or nil when --post-renderer was
// not given (--post-renderer-args alone is ignored, as in Helm).
func (f *postRenderFlags) options() *postrender.Options {
	if f.path == "" {
		return nil
	}
	return &postrender.Options{Path: f.path, Args: append([]string(nil), f.args...)}
}

// postRendererPath is --post-renderer; the type names are Helm's, so the
// help text reads the same.
type postRendererPath postRenderFlags

func (p *postRendererPath) String() string { return p.path }
func (p *postRendererPath) Type() string   { return "postRendererString" }

// Set resolves the executable now; an empty value means none, as in Helm.
func (p *postRendererPath) Set(v string) error {
	if v == "" {
		return nil
	}
	abs, err := postrender.Resolve(v)
	if err != nil {
		return err
	}
	p.path = abs
	return nil
}

// postRendererArgs is --post-renderer-args, a repeatable flag.
type postRendererArgs postRenderFlags

func (a *postRendererArgs) String() string { return "[" + strings.Join(a.args, ",") + "]" }
func (a *postRendererArgs) Type() string   { return "postRendererArgsSlice" }

// Set appends one argument; an empty one is kept, a post-renderer may want
// it.
func (a *postRendererArgs) Set(v string) error {
	a.args = append(a.args, v)
	return nil
}

// Append, Replace and GetSlice make the flag a pflag.SliceValue.
func (a *postRendererArgs) Append(v string) error { return a.Set(v) }
func (a *postRendererArgs) Replace(vs []string) error {
	a.args = append([]string(nil), vs...)
	return nil
}
func (a *postRendererArgs) GetSlice() []string { return append([]string(nil), a.args...) }
