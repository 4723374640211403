package plugin

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LoadAll loads every plugin one level below dir (dir/*/plugin.yaml), in
// name order. A missing dir holds no plugins. One unreadable plugin or two
// plugins with the same name fail the whole directory, as in Helm.
func LoadAll(dir string) ([]*Plugin, error) {
	// Like Helm's glob, a missing directory or a file in its place holds
	// no plugins.
	if st, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) || (err == nil && !st.IsDir()) {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read plugins directory: %w", err)
	}
	var plugins []*Plugin
	seen := map[string]string{}
	for _, e := range entries {
		sub := filepath.Join(dir, e.Name())
		if st, err := os.Stat(sub); err != nil || !st.IsDir() {
			continue
		}
		if _, err := os.Lstat(filepath.Join(sub, FileName)); err != nil {
			continue
		}
		p, err := LoadDir(sub)
		if err != nil {
			return plugins, err
		}
		if first, dup := seen[p.Name()]; dup {
			return plugins, &DuplicateError{Name: p.Name(), First: first, Then: sub}
		}
		seen[p.Name()] = sub
		plugins = append(plugins, p)
	}
	return plugins, nil
}

// Find loads the plugins of every directory in dirs (Helm's $HELM_PLUGINS is
// such a list; split it with filepath.SplitList), in order. Like Helm it
// does not check names across directories: when two directories hold
// plugins of the same name both are returned and the first one wins in
// Lookup.
func Find(dirs []string) ([]*Plugin, error) {
	var all []*Plugin
	for _, d := range dirs {
		if d == "" {
			continue
		}
		found, err := LoadAll(d)
		all = append(all, found...)
		if err != nil {
			return all, err
		}
	}
	return all, nil
}

// Lookup returns the first plugin called name, or nil.
func Lookup(plugins []*Plugin, name string) *Plugin {
	for _, p := range plugins {
		if p.Name() == name {
			return p
		}
	}
	return nil
}
