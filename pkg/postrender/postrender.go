package postrender

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kpkg/kpkg/pkg/internal/boundedio"
)

// Limits used when Options leaves them zero.
const (
	// DefaultMaxOutput bounds what a post-renderer may write to stdout. The
	// largest charts render to a few megabytes; this leaves ample room.
	DefaultMaxOutput = 256 << 20
	// stderrTail is how much of a post-renderer's stderr an error keeps.
	stderrTail = 16 << 10
	// waitDelay is how long a cancelled post-renderer, or one that exited
	// leaving a child holding its pipes, gets before it is killed and its
	// pipes closed.
	waitDelay = 5 * time.Second
)

// Options says which post-renderer to run. Only Path is required.
type Options struct {
	// Path is the executable: an absolute or relative path (relative to
	// the working directory) when it contains a path separator, otherwise a
	// name looked up in PATH, as Helm's --post-renderer resolves it.
	Path string
	// Args are passed to the executable after its name.
	Args []string
	// Env, when non-nil, is the executable's whole environment (KEY=VALUE);
	// nil inherits this process's environment, as Helm does.
	Env []string
	// Dir is the working directory; empty means this process's.
	Dir string
	// MaxOutput bounds stdout in bytes; zero means DefaultMaxOutput.
	MaxOutput int64
}

// Error is a post-renderer failure: it could not be found or started, it
// exited non-zero, wrote too much, or wrote something that is not YAML.
type Error struct {
	// Path is the resolved executable (Options.Path when resolving failed).
	Path string
	// Stderr is the end of what the post-renderer wrote to stderr.
	Stderr string
	// Err is the cause.
	Err error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("post-renderer %s: %v", e.Path, e.Err)
	if e.Stderr != "" {
		msg += "\nstderr:\n" + e.Stderr
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// ErrOutputTooLarge is wrapped by the Error of a post-renderer whose stdout
// passed Options.MaxOutput.
var ErrOutputTooLarge = errors.New("output is larger than the limit")

// Resolve finds the executable for path the way Helm does: a path with a
// separator is checked where it points, a bare name is looked up in PATH.
// The result is absolute.
func Resolve(path string) (string, error) {
	if path == "" {
		return "", errors.New("post-renderer path is empty")
	}
	found, err := exec.LookPath(path)
	if err != nil {
		return "", fmt.Errorf("cannot find post-renderer %q: %w", path, err)
	}
	return filepath.Abs(found)
}

// Run feeds manifest to the post-renderer on stdin and returns its stdout.
// The output must be YAML: every document is decoded before it is returned.
func Run(ctx context.Context, opts Options, manifest []byte) ([]byte, error) {
	bin, err := Resolve(opts.Path)
	if err != nil {
		return nil, &Error{Path: opts.Path, Err: err}
	}
	limit := opts.MaxOutput
	if limit <= 0 {
		limit = DefaultMaxOutput
	}
	stdout := &boundedio.Limit{Max: limit}
	stderr := &boundedio.Tail{Max: stderrTail}
	cmd := exec.CommandContext(ctx, bin, opts.Args...)
	cmd.Env = opts.Env
	cmd.Dir = opts.Dir
	cmd.Stdin = bytes.NewReader(manifest)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.WaitDelay = waitDelay
	runErr := cmd.Run()
	fail := func(err error) error { return &Error{Path: bin, Stderr: stderr.String(), Err: err} }
	switch {
	case stdout.Exceeded():
		return nil, fail(fmt.Errorf("%w of %d bytes", ErrOutputTooLarge, limit))
	case ctx.Err() != nil:
		return nil, fail(ctx.Err())
	case runErr != nil:
		return nil, fail(runErr)
	}
	if err := checkYAML(stdout.Bytes()); err != nil {
		return nil, fail(err)
	}
	return stdout.Bytes(), nil
}

// checkYAML decodes every document of out, so output that would only fail
// later, when the manifest is split into objects, fails here with the
// post-renderer named.
func checkYAML(out []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for doc := 1; ; doc++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("output is not valid YAML (document %d): %w", doc, err)
		}
	}
}
