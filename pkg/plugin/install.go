package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// InstallOptions say where and how to install. Dir is required.
type InstallOptions struct {
	// Dir is the plugins directory to install into (the first entry of
	// Helm's $HELM_PLUGINS list); it is created when missing.
	Dir string
	// Version is a tag, branch, commit or semver constraint for a git
	// source; it is ignored for the others, as in Helm.
	Version string
	// Getter downloads http(s) archives; nil means HTTPGetter{}.
	Getter Getter
	// Limits bound archive downloads and extraction.
	Limits ArchiveLimits
	// Hooks says how the install hook runs. The git command for a git
	// source runs with Hooks.Env.Inherit, or this process's environment
	// when that is nil (git needs HOME, credential helpers, SSH agents).
	Hooks HookOptions
}

// Source kinds, decided as Helm decides them: an existing path is a local
// directory, an http(s) URL of a .tgz or .tar.gz file is an archive, and
// anything else is a git repository.
const (
	SourceLocal   = "local"
	SourceArchive = "archive"
	SourceGit     = "git"
)

// SourceKind says how Install would treat source.
func SourceKind(source string) string {
	if _, err := os.Stat(source); err == nil {
		return SourceLocal
	}
	if u, err := url.Parse(source); err == nil && (u.Scheme == "http" || u.Scheme == "https") && archiveSuffix(u.Path) != "" {
		return SourceArchive
	}
	return SourceGit
}

func archiveSuffix(p string) string {
	for _, s := range []string{".tar.gz", ".tgz"} {
		if strings.HasSuffix(p, s) {
			return s
		}
	}
	return ""
}

// Install installs the plugin at source into opts.Dir and runs its install
// hook. A local directory is symlinked (so edits to it take effect at
// once), an archive is downloaded and extracted, a git repository is cloned.
// The plugin is checked before anything is placed in opts.Dir. When the
// hook fails the plugin stays installed, as in Helm, and the error says so.
func Install(ctx context.Context, source string, opts InstallOptions) (*Plugin, error) {
	if opts.Dir == "" {
		return nil, errors.New("install plugin: no plugins directory given")
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create plugins directory: %w", err)
	}
	var (
		p   *Plugin
		err error
	)
	switch SourceKind(source) {
	case SourceLocal:
		p, err = installLocal(source, opts)
	case SourceArchive:
		p, err = installArchive(ctx, source, opts)
	default:
		p, err = installGit(ctx, source, opts)
	}
	if err != nil {
		return nil, err
	}
	if err := p.RunHook(ctx, HookInstall, opts.Hooks); err != nil {
		return p, fmt.Errorf("plugin %q is installed at %s but its install hook failed: %w", p.Name(), p.Dir, err)
	}
	return p, nil
}

// installLocal symlinks the directory source into dir under its own base
// name.
func installLocal(source string, opts InstallOptions) (*Plugin, error) {
	abs, err := filepath.Abs(source)
	if err != nil {
		return nil, fmt.Errorf("install plugin %s: %w", source, err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("install plugin %s: a local plugin must be a directory", source)
	}
	if _, err := checkCandidate(abs, opts.Dir); err != nil {
		return nil, err
	}
	target := filepath.Join(opts.Dir, filepath.Base(abs))
	if err := checkFree(target); err != nil {
		return nil, err
	}
	if err := os.Symlink(abs, target); err != nil {
		return nil, fmt.Errorf("install plugin %s: %w", source, err)
	}
	return LoadDir(target)
}

// installArchive downloads and extracts source into a staging directory
// inside dir, checks it, then renames it into place.
func installArchive(ctx context.Context, source string, opts InstallOptions) (*Plugin, error) {
	u, err := url.Parse(source)
	if err != nil {
		return nil, fmt.Errorf("install plugin %s: %w", source, err)
	}
	name := archivePluginName(path.Base(u.Path))
	if name == "" || name == "." {
		return nil, fmt.Errorf("install plugin %s: cannot derive a directory name from the URL", source)
	}
	target := filepath.Join(opts.Dir, name)
	if err := checkFree(target); err != nil {
		return nil, err
	}
	lim := opts.Limits.withDefaults()
	get := opts.Getter
	if get == nil {
		get = HTTPGetter{}
	}
	data, err := get.Get(ctx, source, lim.MaxDownload)
	if err != nil {
		return nil, fmt.Errorf("install plugin: %w", err)
	}
	return stageAndPlace(opts.Dir, target, func(staging string) (string, error) {
		if err := extractTarGz(source, data, staging, lim); err != nil {
			return "", err
		}
		root, err := pluginRoot(staging)
		if err != nil {
			return "", &ArchiveError{Source: source, Err: err}
		}
		return root, nil
	})
}

// stageAndPlace fills a fresh staging directory inside dir with fill, which
// returns the plugin root within it; the root is checked and renamed to
// target. The staging directory keeps plugin.yaml two levels below dir, so
// a concurrent Find never sees a half-written plugin.
func stageAndPlace(dir, target string, fill func(staging string) (string, error)) (*Plugin, error) {
	tmp, err := os.MkdirTemp(dir, ".kpkg-install-")
	if err != nil {
		return nil, fmt.Errorf("install plugin: %w", err)
	}
	defer os.RemoveAll(tmp)
	staging := filepath.Join(tmp, "content")
	if err := os.Mkdir(staging, 0o755); err != nil {
		return nil, fmt.Errorf("install plugin: %w", err)
	}
	root, err := fill(staging)
	if err != nil {
		return nil, err
	}
	if _, err := checkCandidate(root, dir); err != nil {
		return nil, err
	}
	if err := checkFree(target); err != nil {
		return nil, err
	}
	if err := os.Rename(root, target); err != nil {
		return nil, fmt.Errorf("install plugin: %w", err)
	}
	return LoadDir(target)
}

// archiveFileName matches Helm's "name-<version>" convention for archives.
var archiveFileName = regexp.MustCompile(`(.*)-[0-9]+\..*`)

// archivePluginName is the directory an archive installs to, as Helm names
// it: the file name without its suffix and without a trailing "-1.2.3".
func archivePluginName(base string) string {
	name := strings.TrimSuffix(base, archiveSuffix(base))
	return archiveFileName.ReplaceAllString(name, "$1")
}

// checkCandidate loads the plugin about to be installed and refuses it when
// another plugin of the same name is already in dir: Helm would then refuse
// to load the whole directory.
func checkCandidate(src, dir string) (*Plugin, error) {
	p, err := LoadDir(src)
	if err != nil {
		return nil, fmt.Errorf("install plugin: %w", err)
	}
	// A directory that fails to load for other reasons is reported when it
	// is used; it must not block installing.
	installed, _ := LoadAll(dir)
	if other := Lookup(installed, p.Name()); other != nil {
		return nil, fmt.Errorf("install plugin: %w: a plugin named %q is installed at %s", ErrExists, p.Name(), other.Dir)
	}
	return p, nil
}

// checkFree refuses a target that exists, even as a dangling symlink.
func checkFree(target string) error {
	if _, err := os.Lstat(target); err == nil {
		return fmt.Errorf("install plugin: %w at %s", ErrExists, target)
	}
	return nil
}
