package plugin

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepo is a local repository served to Install through a file:// URL.
type gitRepo struct {
	t   *testing.T
	dir string
	env []string
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	skipOnWindows(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	home := t.TempDir()
	r := &gitRepo{t: t, dir: filepath.Join(t.TempDir(), "hooker"), env: []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
	}}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *gitRepo) git(args ...string) {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// commit writes the hooker fixture with version, commits and tags it.
func (r *gitRepo) commit(version string) {
	r.t.Helper()
	yaml, err := os.ReadFile(filepath.Join(fixtures, "hooker", FileName))
	if err != nil {
		r.t.Fatal(err)
	}
	yaml = []byte(strings.Replace(string(yaml), "version: 0.1.0", "version: "+version, 1))
	if err := os.WriteFile(filepath.Join(r.dir, FileName), yaml, 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.git("add", ".")
	r.git("commit", "-q", "-m", version)
	r.git("tag", "v"+version)
}

func (r *gitRepo) url() string { return "file://" + r.dir }

func TestInstallGit(t *testing.T) {
	repo := newGitRepo(t)
	repo.commit("0.1.0")
	repo.commit("0.2.0")
	repo.commit("1.0.0")
	hooks, markers := hookEnv(t)
	hooks.Env.Inherit = append(hooks.Env.Inherit, repo.env...)
	tests := []struct {
		version, want string
	}{
		{"", "1.0.0"},
		{"^0.1", "0.1.0"},
		{"<1", "0.2.0"},
		{"v0.2.0", "0.2.0"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		p, err := Install(context.Background(), repo.url(), InstallOptions{Dir: dir, Version: tt.version, Hooks: hooks})
		if err != nil {
			t.Fatalf("version %q: %v", tt.version, err)
		}
		if p.Metadata.Version != tt.want || p.Dir != filepath.Join(dir, "hooker") {
			t.Errorf("version %q installed %s at %s, want %s", tt.version, p.Metadata.Version, p.Dir, tt.want)
		}
	}
	if got := readMarker(t, markers, HookInstall); !strings.HasPrefix(got, "install hooker ") {
		t.Errorf("install marker = %q", got)
	}
	for _, bad := range []string{"^9", "not a version", "--upload-pack=x"} {
		dir := t.TempDir()
		if _, err := Install(context.Background(), repo.url(), InstallOptions{Dir: dir, Version: bad, Hooks: hooks}); err == nil {
			t.Errorf("version %q: want an error", bad)
		}
		if got := dirEntries(t, dir); len(got) != 0 {
			t.Errorf("version %q: left %v behind", bad, got)
		}
	}
	if _, err := Install(context.Background(), "file:///nonexistent/repo", InstallOptions{Dir: t.TempDir(), Hooks: hooks}); err == nil || !strings.Contains(err.Error(), "git clone") {
		t.Errorf("missing repo: err = %v", err)
	}
}

func TestUpdateGit(t *testing.T) {
	repo := newGitRepo(t)
	repo.commit("0.1.0")
	hooks, markers := hookEnv(t)
	hooks.Env.Inherit = append(hooks.Env.Inherit, repo.env...)
	dir := t.TempDir()
	p, err := Install(context.Background(), repo.url(), InstallOptions{Dir: dir, Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := Install(context.Background(), repo.url(), InstallOptions{Dir: t.TempDir(), Version: "0.1.0", Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	repo.commit("0.2.0")

	updated, err := Update(context.Background(), p, hooks)
	if err != nil {
		t.Fatal(err)
	}
	if updated.Metadata.Version != "0.2.0" {
		t.Errorf("updated to %s, want 0.2.0", updated.Metadata.Version)
	}
	if got := readMarker(t, markers, HookUpdate); got != "update hooker "+p.Dir+"\n" {
		t.Errorf("update marker = %q", got)
	}
	// A pinned (detached) checkout stays where it is, as in Helm.
	if again, err := Update(context.Background(), pinned, hooks); err != nil || again.Metadata.Version != "0.1.0" {
		t.Errorf("pinned update: %v, %v", again, err)
	}
	// Local changes block the update.
	if err := os.WriteFile(filepath.Join(p.Dir, FileName), []byte("name: hooker\nversion: local\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Update(context.Background(), p, hooks); !errors.Is(err, ErrModified) {
		t.Errorf("modified checkout: err = %v, want ErrModified", err)
	}
}

// A symlink to a plain local directory has nowhere to update from (Helm:
// "cannot get information about plugin source"); a symlink to a git
// checkout is updated there.
func TestUpdateLocal(t *testing.T) {
	hooks, _ := hookEnv(t)
	plain, err := Install(context.Background(), fixture(t, "envprinter"), InstallOptions{Dir: t.TempDir(), Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Update(context.Background(), plain, hooks); !errors.Is(err, ErrUnknownSource) {
		t.Errorf("err = %v, want ErrUnknownSource", err)
	}

	upstream := newGitRepo(t)
	upstream.commit("0.1.0")
	checkout := filepath.Join(t.TempDir(), "hooker")
	clone := exec.Command("git", "clone", "-q", upstream.url(), checkout)
	clone.Env = upstream.env
	if out, err := clone.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	hooks.Env.Inherit = append(hooks.Env.Inherit, upstream.env...)
	linked, err := Install(context.Background(), checkout, InstallOptions{Dir: t.TempDir(), Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	upstream.commit("0.3.0")
	updated, err := Update(context.Background(), linked, hooks)
	if err != nil || updated.Metadata.Version != "0.3.0" {
		t.Errorf("update through the symlink: %v, %v", updated, err)
	}
}
