package plugin

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/kpkg/kpkg/pkg/internal/boundedio"
)

// gitOutputTail is how much of git's output an error keeps.
const gitOutputTail = 8 << 10

// git runs the git command in a directory. Plugins from git repositories
// are cloned and updated with the git command, as Helm does through it.
type git struct {
	dir string
	// env is the environment; nil inherits this process's, which git
	// needs for HOME, credentials helpers and SSH agents.
	env []string
}

func (g git) run(ctx context.Context, args ...string) (string, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", fmt.Errorf("plugins from git repositories need the git command: %w", err)
	}
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	cmd.Env = g.env
	var out strings.Builder
	tail := &boundedio.Tail{Max: gitOutputTail}
	cmd.Stdout = &out
	cmd.Stderr = tail
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, tail.String())
	}
	return out.String(), nil
}

// installGit clones source into a staging directory, checks out
// opts.Version when given, and moves the clone (with its .git, so it can be
// updated) to dir/<last element of source>, Helm's name for it.
func installGit(ctx context.Context, source string, opts InstallOptions) (*Plugin, error) {
	target := filepath.Join(opts.Dir, filepath.Base(source))
	if err := checkFree(target); err != nil {
		return nil, err
	}
	env := opts.Hooks.Env.Inherit
	return stageAndPlace(opts.Dir, target, func(staging string) (string, error) {
		if _, err := (git{env: env}).run(ctx, "clone", "--recursive", "--", source, staging); err != nil {
			return "", fmt.Errorf("install plugin %s: %w", source, err)
		}
		g := git{dir: staging, env: env}
		if opts.Version != "" {
			ref, err := g.solveVersion(ctx, opts.Version)
			if err != nil {
				return "", fmt.Errorf("install plugin %s: %w", source, err)
			}
			if _, err := g.run(ctx, "checkout", ref); err != nil {
				return "", fmt.Errorf("install plugin %s: %w", source, err)
			}
			if _, err := g.run(ctx, "submodule", "update", "--init", "--recursive"); err != nil {
				return "", fmt.Errorf("install plugin %s: %w", source, err)
			}
		}
		if _, err := os.Stat(filepath.Join(staging, FileName)); err != nil {
			return "", fmt.Errorf("install plugin %s: %w at the top of the repository", source, ErrNotPlugin)
		}
		return staging, nil
	})
}

// tagRef picks tag names out of "git show-ref" output.
var tagRef = regexp.MustCompile(`(?m)refs/tags/(\S+)$`)

// solveVersion turns version into something to check out, as Helm does: a
// ref git knows (tag, branch, commit) is used as is; otherwise version is a
// semver constraint and the highest matching tag wins.
func (g git) solveVersion(ctx context.Context, version string) (string, error) {
	if strings.HasPrefix(version, "-") {
		return "", fmt.Errorf("version %q must not start with \"-\"", version)
	}
	if _, err := g.run(ctx, "rev-parse", "--verify", "--quiet", version+"^{commit}"); err == nil {
		return version, nil
	}
	if _, err := g.run(ctx, "show-ref", version); err == nil {
		return version, nil
	}
	constraint, err := semver.NewConstraint(version)
	if err != nil {
		return "", fmt.Errorf("version %q is neither a git ref nor a semver constraint: %w", version, err)
	}
	refs, err := g.run(ctx, "show-ref")
	if err != nil {
		return "", err
	}
	var versions []*semver.Version
	for _, m := range tagRef.FindAllStringSubmatch(refs, -1) {
		if v, err := semver.NewVersion(m[1]); err == nil {
			versions = append(versions, v)
		}
	}
	slices.SortFunc(versions, func(a, b *semver.Version) int { return b.Compare(a) })
	for _, v := range versions {
		if constraint.Check(v) {
			return v.Original(), nil
		}
	}
	return "", fmt.Errorf("no tag matches version %q", version)
}

// isGitCheckout reports whether dir is the top of a git working tree.
func isGitCheckout(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ".git"))
	return err == nil
}

// gitUpdate refuses a checkout with local changes, fetches, and pulls
// unless a detached commit or tag is checked out (then it stays put), as
// Helm does.
func gitUpdate(ctx context.Context, dir string, env []string) error {
	g := git{dir: dir, env: env}
	diff, err := g.run(ctx, "diff")
	if err != nil {
		return err
	}
	if diff != "" {
		return fmt.Errorf("%w in %s", ErrModified, dir)
	}
	if _, err := g.run(ctx, "fetch", "--tags", "--", "origin"); err != nil {
		return err
	}
	head, err := g.run(ctx, "rev-parse", "--abbrev-ref", "HEAD")
	if err != nil {
		return err
	}
	if strings.TrimSpace(head) == "HEAD" {
		return nil
	}
	if _, err := g.run(ctx, "pull"); err != nil {
		return err
	}
	_, err = g.run(ctx, "submodule", "update", "--init", "--recursive")
	return err
}
