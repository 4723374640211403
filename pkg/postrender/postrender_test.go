package postrender

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const manifest = `---
# Source: app/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  k: v
---
# Source: app/templates/svc.yaml
apiVersion: v1
kind: Service
metadata:
  name: app
`

// script writes an executable shell script into dir and returns its path.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func skipOnWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("post-renderer fixtures are shell scripts")
	}
}

func TestRun(t *testing.T) {
	skipOnWindows(t)
	dir := t.TempDir()
	tests := []struct {
		name    string
		body    string
		args    []string
		input   string
		max     int64
		want    string   // exact output when wantErr is empty
		wantErr []string // substrings of the error
	}{
		{name: "passthrough", body: "cat", input: manifest, want: manifest},
		{name: "rewrites", body: "sed 's/name: app/name: renamed/'", input: manifest,
			want: strings.ReplaceAll(manifest, "name: app", "name: renamed")},
		{name: "args", body: `printf 'a: "%s"\nb: "%s"\n' "$1" "$2"`, args: []string{"one", "two words"},
			want: "a: \"one\"\nb: \"two words\"\n"},
		{name: "empty output", body: "cat >/dev/null", input: manifest, want: ""},
		{name: "ignores stdin", body: "echo 'kind: X'", input: strings.Repeat(manifest, 20000), want: "kind: X\n"},
		{name: "exit status", body: "echo 'kustomize: bad patch' >&2; exit 3", input: manifest,
			wantErr: []string{"exit-status.sh", "exit status 3", "kustomize: bad patch"}},
		{name: "invalid yaml", body: "printf 'a: b\\n---\\nkey: [unclosed\\n'; echo warned >&2", input: manifest,
			wantErr: []string{"invalid-yaml.sh", "not valid YAML (document 2)", "warned"}},
		{name: "too large", body: "cat; cat /dev/zero", input: manifest, max: 1 << 16,
			wantErr: []string{"too-large.sh", "larger than the limit of 65536 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := script(t, dir, strings.ReplaceAll(tt.name, " ", "-")+".sh", tt.body)
			got, err := Run(context.Background(), Options{Path: path, Args: tt.args, MaxOutput: tt.max}, []byte(tt.input))
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				if string(got) != tt.want {
					t.Errorf("output:\n%s\nwant:\n%s", got, tt.want)
				}
				return
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestRunTooLargeIsTyped(t *testing.T) {
	skipOnWindows(t)
	p := script(t, t.TempDir(), "big.sh", "head -c 100000 /dev/zero | tr '\\0' 'a'")
	_, err := Run(context.Background(), Options{Path: p, MaxOutput: 1000}, nil)
	if !errors.Is(err, ErrOutputTooLarge) {
		t.Fatalf("err = %v, want ErrOutputTooLarge", err)
	}
}

func TestRunStderrIsBounded(t *testing.T) {
	skipOnWindows(t)
	p := script(t, t.TempDir(), "noisy.sh", "head -c 1000000 /dev/zero | tr '\\0' 'x' >&2; echo LAST-LINE >&2; exit 1")
	_, err := Run(context.Background(), Options{Path: p}, nil)
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	if len(msg) > 20<<10 || !strings.Contains(msg, "LAST-LINE") || !strings.Contains(msg, "earlier bytes dropped") {
		t.Errorf("error is %d bytes; want the bounded tail with LAST-LINE:\n%.300s", len(msg), msg)
	}
}

func TestRunCancel(t *testing.T) {
	skipOnWindows(t)
	p := script(t, t.TempDir(), "slow.sh", "exec sleep 30")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, Options{Path: p}, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run took %v after cancel", d)
	}
}

// TestResolve: a name is looked up in PATH, a path with a separator is
// taken relative to the working directory, and the result is absolute —
// Helm's NewExec rules.
func TestResolve(t *testing.T) {
	skipOnWindows(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	onPath := script(t, bin, "my-renderer", "cat")
	local := script(t, dir, "local.sh", "cat")
	if err := os.WriteFile(filepath.Join(dir, "notexec.sh"), []byte("cat"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Chdir(dir)
	tests := []struct {
		path, want, wantErr string
	}{
		{path: "my-renderer", want: onPath},
		{path: onPath, want: onPath},
		{path: "./local.sh", want: local},
		{path: filepath.Join("bin", "my-renderer"), want: onPath},
		{path: "local.sh", wantErr: `cannot find post-renderer "local.sh"`},
		{path: "./notexec.sh", wantErr: "permission denied"},
		{path: "./missing.sh", wantErr: "no such file"},
		{path: "", wantErr: "empty"},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.path)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Resolve(%q) = %q, %v; want error %q", tt.path, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
	// Run resolves the same way, and names the missing renderer.
	if _, err := Run(context.Background(), Options{Path: "./missing.sh"}, nil); err == nil || !strings.Contains(err.Error(), "./missing.sh") {
		t.Errorf("Run with a missing renderer: %v", err)
	}
}
