package localcluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// runDirMarker marks a directory as a run directory of this package, so
// that removing one never deletes a directory someone named by mistake.
const runDirMarker = ".kpkg-cluster-run"

// DefaultRunDir returns the run directory of the cluster called name:
// <base>/kpkg-cluster-<uid>/<name>, where base is a tmpfs when one is at
// hand ($XDG_RUNTIME_DIR, else /dev/shm), so etcd never touches a disk.
func DefaultRunDir(name string) string {
	return filepath.Join(tmpfsBase(), "kpkg-cluster-"+strconv.Itoa(os.Getuid()), name)
}

// TempRunDir creates a fresh, uniquely named run directory on tmpfs.
func TempRunDir(prefix string) (string, error) {
	base := filepath.Join(tmpfsBase(), "kpkg-cluster-"+strconv.Itoa(os.Getuid()))
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", fmt.Errorf("create run dir base: %w", err)
	}
	dir, err := os.MkdirTemp(base, prefix)
	if err != nil {
		return "", fmt.Errorf("create run dir: %w", err)
	}
	return dir, nil
}

// RemoveStaleRunDirs removes the run directories made by TempRunDir with
// this prefix whose processes are all gone: what a killed test binary
// leaves (its components die with it, their state does not). A directory
// still being set up has no pids file for a moment, so one without a
// pids file is removed only once it is a minute old.
func RemoveStaleRunDirs(prefix string) error {
	base := filepath.Join(tmpfsBase(), "kpkg-cluster-"+strconv.Itoa(os.Getuid()))
	matches, err := filepath.Glob(filepath.Join(base, prefix+"*"))
	if err != nil {
		return fmt.Errorf("list run dirs: %w", err)
	}
	var errs []error
	for _, dir := range matches {
		l := layout{root: dir}
		if stale, err := isStale(l); err != nil || !stale {
			continue
		}
		if err := removeRunDir(l); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func isStale(l layout) (bool, error) {
	procs, err := readPIDs(l.pidsFile())
	if errors.Is(err, os.ErrNotExist) {
		fi, statErr := os.Stat(l.root)
		if statErr != nil {
			return false, statErr
		}
		return time.Since(fi.ModTime()) > time.Minute, nil
	}
	if err != nil {
		return false, err
	}
	for _, p := range procs {
		if p.isOurs() {
			return false, nil
		}
	}
	return true, nil
}

func tmpfsBase() string {
	for _, dir := range []string{os.Getenv("XDG_RUNTIME_DIR"), "/dev/shm"} {
		if dir == "" {
			continue
		}
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() && writable(dir) {
			return dir
		}
	}
	return os.TempDir()
}

func writable(dir string) bool {
	f, err := os.CreateTemp(dir, ".kpkg-probe-")
	if err != nil {
		return false
	}
	_ = f.Close()
	_ = os.Remove(f.Name())
	return true
}

// prepareRunDir creates the run directory's tree. Leftovers of a cluster
// that is gone (a crash, a reboot) are cleared; a live one is refused.
func prepareRunDir(l layout) error {
	if procs, err := readPIDs(l.pidsFile()); err == nil {
		for _, p := range procs {
			if p.isOurs() {
				return fmt.Errorf("%s: %w (%s pid %d); stop it first", l.root, ErrAlreadyRunning, p.Name, p.PID)
			}
		}
	}
	entries, err := os.ReadDir(l.root)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("read run dir: %w", err)
	case len(entries) > 0:
		if err := removeRunDir(l); err != nil {
			return fmt.Errorf("clear a stale run dir: %w", err)
		}
	}
	for _, sub := range []string{"logs", "etcd", "apiserver", "controller-manager", "scheduler", "flexvolume", "kwok"} {
		if err := os.MkdirAll(l.path(sub), 0o700); err != nil {
			return fmt.Errorf("create run dir: %w", err)
		}
	}
	if err := os.WriteFile(l.path(runDirMarker), nil, 0o644); err != nil {
		return fmt.Errorf("mark run dir: %w", err)
	}
	return nil
}

// removeRunDir deletes a run directory, but only one that carries the
// marker this package writes.
func removeRunDir(l layout) error {
	if _, err := os.Stat(l.path(runDirMarker)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if _, statErr := os.Stat(l.root); errors.Is(statErr, os.ErrNotExist) {
				return nil
			}
		}
		return fmt.Errorf("refusing to remove %s: not a cluster run dir (%w)", l.root, err)
	}
	if err := os.RemoveAll(l.root); err != nil {
		return fmt.Errorf("remove run dir: %w", err)
	}
	return nil
}

// writePIDs records the started processes, replacing the file atomically
// so a reader never sees half a list.
func writePIDs(path string, procs []*process) error {
	data, err := json.MarshalIndent(procs, "", "  ")
	if err != nil {
		return fmt.Errorf("encode pids: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("write pids: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write pids: %w", err)
	}
	return nil
}

// readPIDs loads the processes recorded by writePIDs.
func readPIDs(path string) ([]*process, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read pids: %w", err)
	}
	var procs []*process
	if err := json.Unmarshal(data, &procs); err != nil {
		return nil, fmt.Errorf("decode pids %s: %w", path, err)
	}
	return procs, nil
}
