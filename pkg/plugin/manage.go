package plugin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Uninstall removes p's directory (for a plugin installed from a local
// directory, only the symlink) and then runs its delete hook: Helm's order,
// so the hook cannot use files from the plugin directory.
func Uninstall(ctx context.Context, p *Plugin, opts HookOptions) error {
	if err := os.RemoveAll(p.Dir); err != nil {
		return fmt.Errorf("uninstall plugin %q: %w", p.Name(), err)
	}
	if err := p.RunHook(ctx, HookDelete, opts); err != nil {
		return fmt.Errorf("plugin %q was removed but its delete hook failed: %w", p.Name(), err)
	}
	return nil
}

// Update brings p up to date from where it came from and runs its update
// hook. As in Helm, only a git checkout can be updated (a plugin cloned from
// a repository, or a symlink to a local checkout): "git pull" there. Other
// plugins, from archives or plain local directories, fail with
// ErrUnknownSource and are left untouched.
func Update(ctx context.Context, p *Plugin, opts HookOptions) (*Plugin, error) {
	real, err := filepath.EvalSymlinks(p.Dir)
	if err != nil {
		return nil, fmt.Errorf("update plugin %q: %w", p.Name(), err)
	}
	if !isGitCheckout(real) {
		return nil, fmt.Errorf("update plugin %q: %w", p.Name(), ErrUnknownSource)
	}
	if err := gitUpdate(ctx, real, opts.Env.Inherit); err != nil {
		return nil, fmt.Errorf("update plugin %q: %w", p.Name(), err)
	}
	updated, err := LoadDir(p.Dir)
	if err != nil {
		return nil, fmt.Errorf("update plugin %q: %w", p.Name(), err)
	}
	if err := updated.RunHook(ctx, HookUpdate, opts); err != nil {
		return updated, fmt.Errorf("plugin %q was updated but its update hook failed: %w", p.Name(), err)
	}
	return updated, nil
}
