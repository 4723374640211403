package localcluster

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// goEnv is the environment of every go command the harness runs. The
// harness modules are built on their own (no go.work from the repository
// around them), may update go.sum from a clean clone, and link statically
// so the binaries need no C toolchain and run anywhere on this OS.
func goEnv() []string {
	return append(os.Environ(),
		"GOWORK=off",
		"GOFLAGS=-mod=mod -buildvcs=false",
		"CGO_ENABLED=0",
	)
}

// goCommand prepares `go args...` in dir. Builds run under nice because
// they share two cores with people and other builds.
func goCommand(ctx context.Context, dir string, args ...string) *exec.Cmd {
	name, argv := "go", args
	if nice, err := exec.LookPath("nice"); err == nil {
		name, argv = nice, append([]string{"-n", "10", "go"}, args...)
	}
	cmd := exec.CommandContext(ctx, name, argv...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	return cmd
}

// runGo runs a go command, streaming its output to log.
func runGo(ctx context.Context, log io.Writer, dir string, args ...string) error {
	cmd := goCommand(ctx, dir, args...)
	cmd.Stdout = log
	cmd.Stderr = log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s (in %s): %w", strings.Join(args, " "), dir, err)
	}
	return nil
}

// goOutput runs a go command and returns its trimmed standard output.
func goOutput(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := goCommand(ctx, dir, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s (in %s): %w: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}
