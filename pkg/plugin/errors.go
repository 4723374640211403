package plugin

import (
	"errors"
	"fmt"
)

// Sentinel errors, wrapped by the typed errors below; test with errors.Is.
var (
	// ErrNotPlugin: a directory or archive holds no plugin.yaml.
	ErrNotPlugin = errors.New("no " + FileName + " found")
	// ErrExists: the install target is taken.
	ErrExists = errors.New("plugin already exists")
	// ErrNoCommand: no command or platformCommand entry fits this platform.
	ErrNoCommand = errors.New("no plugin command is applicable")
	// ErrUnknownSource: the plugin was not installed from version control,
	// so there is nothing to update it from. Helm refuses these updates too.
	ErrUnknownSource = errors.New("cannot tell where the plugin came from: only plugins installed from a git repository can be updated")
	// ErrSchemeNotSupported: no downloader plugin handles a URL scheme.
	ErrSchemeNotSupported = errors.New("no downloader plugin handles the scheme")
	// ErrModified: a git-installed plugin has local changes, so updating it
	// could lose them.
	ErrModified = errors.New("plugin repository has local changes")
)

// LoadError is a plugin.yaml that cannot be read or is not valid.
type LoadError struct {
	// File is the plugin.yaml path.
	File string
	// Field is the offending field, when one is known.
	Field string
	Err   error
}

func (e *LoadError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("plugin file %s: field %q: %v", e.File, e.Field, e.Err)
	}
	return fmt.Sprintf("plugin file %s: %v", e.File, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// DuplicateError: two plugins in one directory claim the same name. Helm
// refuses to load such a directory, and so does Find.
type DuplicateError struct {
	Name        string
	First, Then string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("plugins %s and %s both claim the name %q", e.First, e.Then, e.Name)
}

// ExecError is a plugin process (hook, downloader) that failed.
type ExecError struct {
	// Plugin is the plugin's name.
	Plugin string
	// What says which process: "install hook", "downloader for kpkgtest://x".
	What string
	// Stderr is the end of its stderr, when it was captured.
	Stderr string
	Err    error
}

func (e *ExecError) Error() string {
	msg := fmt.Sprintf("plugin %q: %s: %v", e.Plugin, e.What, e.Err)
	if e.Stderr != "" {
		msg += "\nstderr:\n" + e.Stderr
	}
	return msg
}

func (e *ExecError) Unwrap() error { return e.Err }

// ArchiveError is a plugin archive that cannot be used: not gzip/tar, too
// large, or holding an entry that could escape the target or is not a plain
// file or directory.
type ArchiveError struct {
	// Source is the archive's URL.
	Source string
	// Entry is the offending entry's name, when one is to blame.
	Entry string
	Err   error
}

func (e *ArchiveError) Error() string {
	if e.Entry != "" {
		return fmt.Sprintf("plugin archive %s: entry %q: %v", e.Source, e.Entry, e.Err)
	}
	return fmt.Sprintf("plugin archive %s: %v", e.Source, e.Err)
}

func (e *ArchiveError) Unwrap() error { return e.Err }
