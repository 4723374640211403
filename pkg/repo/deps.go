package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/atomicfile"
)

// DependencyOptions control UpdateDependencies and BuildDependencies. The
// zero value refreshes repository indexes and logs nothing; Paths must be
// set when dependencies come from configured repositories.
type DependencyOptions struct {
	Paths Paths
	// SkipRefresh uses cached indexes as they are.
	SkipRefresh bool
	// Auth applies to oci:// registries and to repository URLs that are not
	// configured (configured ones use their own credentials).
	Auth Auth
	// Log receives progress lines.
	Log func(format string, args ...any)
	// Provenance applies to dependencies downloaded from repositories and
	// registries (file:// ones are packaged locally and carry none). With
	// Verify, a dependency that fails verification stops the whole
	// operation before charts/ changes.
	Provenance ProvenanceOptions
}

func (o DependencyOptions) log(format string, args ...any) {
	if o.Log != nil {
		o.Log(format, args...)
	}
}

// chartFiles are the parts of a chart directory that dependency commands
// read: its metadata and lock, parsed without loading the (possibly stale)
// charts/ directory.
type chartFiles struct {
	dir      string
	md       *chart.Metadata
	lock     *chart.Lock
	lockName string
}

func readChartFiles(dir string) (*chartFiles, error) {
	cf := &chartFiles{dir: dir, md: &chart.Metadata{}, lockName: "Chart.lock"}
	data, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("%s is not a chart directory: %w", dir, err)
	}
	if err := yaml.Unmarshal(data, cf.md); err != nil {
		return nil, &chart.FileError{Path: filepath.Join(dir, "Chart.yaml"), Err: err}
	}
	if cf.md.APIVersion == "" || cf.md.APIVersion == chart.APIVersionV1 {
		cf.lockName = "requirements.lock"
		if data, err := os.ReadFile(filepath.Join(dir, "requirements.yaml")); err == nil {
			if err := yaml.Unmarshal(data, cf.md); err != nil {
				return nil, &chart.FileError{Path: filepath.Join(dir, "requirements.yaml"), Err: err}
			}
		}
	}
	data, err = os.ReadFile(filepath.Join(dir, cf.lockName))
	switch {
	case err == nil:
		cf.lock = &chart.Lock{}
		if err := yaml.Unmarshal(data, cf.lock); err != nil {
			return nil, &chart.FileError{Path: filepath.Join(dir, cf.lockName), Err: err}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, cf.lockName), err)
	}
	return cf, nil
}

// hashDependencies is Chart.lock's digest: the SHA-256 of Chart.yaml's
// dependencies and the locked ones, serialised as Helm does, so that Helm
// and kpkg accept each other's lock files.
func hashDependencies(req, locked []*chart.Dependency) (string, error) {
	data, err := json.Marshal([2][]*chart.Dependency{req, locked})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// UpdateDependencies resolves Chart.yaml's dependencies to the newest
// versions their constraints allow, writes Chart.lock and vendors the
// archives into charts/. Nothing in charts/ changes unless every dependency
// was fetched.
func UpdateDependencies(ctx context.Context, dir string, opts DependencyOptions) error {
	cf, err := readChartFiles(dir)
	if err != nil {
		return err
	}
	if len(cf.md.Dependencies) == 0 {
		opts.log("No dependencies found in %s", filepath.Join(dir, "Chart.yaml"))
		return nil
	}
	req, err := resolveRepoNames(cf.md.Dependencies, opts.Paths)
	if err != nil {
		return err
	}
	if !opts.SkipRefresh {
		if err := refreshDependencyRepos(ctx, req, opts); err != nil {
			return err
		}
	}
	r := &resolver{dir: dir, opts: opts}
	locked, archives, err := r.resolveAll(ctx, req, false)
	if err != nil {
		return err
	}
	if err := vendor(dir, req, archives, opts); err != nil {
		return err
	}
	return writeLock(cf, req, locked)
}

// BuildDependencies vendors exactly the versions Chart.lock records. It
// refuses a lock that no longer matches Chart.yaml; without a lock it acts
// as UpdateDependencies.
func BuildDependencies(ctx context.Context, dir string, opts DependencyOptions) error {
	cf, err := readChartFiles(dir)
	if err != nil {
		return err
	}
	if cf.lock == nil {
		opts.log("No %s found in %s: resolving dependencies as 'dependency update' does", cf.lockName, dir)
		return UpdateDependencies(ctx, dir, opts)
	}
	req, err := resolveRepoNames(cf.md.Dependencies, opts.Paths)
	if err != nil {
		return err
	}
	sum, err := hashDependencies(req, cf.lock.Dependencies)
	if err != nil {
		return err
	}
	if sum != cf.lock.Digest {
		return &LockOutOfSyncError{Dir: dir, LockName: cf.lockName}
	}
	r := &resolver{dir: dir, opts: opts}
	_, archives, err := r.resolveAll(ctx, cf.lock.Dependencies, true)
	if err != nil {
		return err
	}
	return vendor(dir, cf.lock.Dependencies, archives, opts)
}

// writeLock writes the lock file unless its digest is unchanged, which
// keeps "generated" stable across no-op updates as Helm does. req are the
// declared dependencies with repository names resolved.
func writeLock(cf *chartFiles, req, locked []*chart.Dependency) error {
	sum, err := hashDependencies(req, locked)
	if err != nil {
		return err
	}
	if cf.lock != nil && cf.lock.Digest == sum {
		return nil
	}
	data, err := yaml.Marshal(&chart.Lock{Generated: time.Now(), Digest: sum, Dependencies: locked})
	if err != nil {
		return fmt.Errorf("serialise %s: %w", cf.lockName, err)
	}
	return atomicfile.WriteFile(filepath.Join(cf.dir, cf.lockName), data, 0o644)
}

// refreshDependencyRepos updates the cached indexes of the configured
// repositories the dependencies name.
func refreshDependencyRepos(ctx context.Context, deps []*chart.Dependency, opts DependencyOptions) error {
	rf, err := LoadRepoFile(opts.Paths.RepositoryConfig)
	if err != nil {
		return err
	}
	var names []string
	seen := map[string]bool{}
	for _, d := range deps {
		if e := configuredRepo(rf, d.Repository); e != nil && !seen[e.Name] {
			seen[e.Name] = true
			names = append(names, e.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	opts.log("Hang tight while we grab the latest from your chart repositories...")
	results, err := UpdateReposWithOptions(ctx, opts.Paths, UpdateOptions{Timeout: opts.Auth.Timeout, Downloaders: opts.Auth.Downloaders}, names...)
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.Err != nil {
			return fmt.Errorf("update repository %q: %w", r.Name, r.Err)
		}
		opts.log("...Successfully got an update from the %q chart repository", r.Name)
	}
	return nil
}

// resolveRepoNames returns copies of deps in which a repository given by
// name ("@name" or "alias:name") is replaced by that repository's URL,
// as Helm resolves them before it locks and hashes: Chart.lock records the
// URL, and its digest covers the dependencies with URLs, so each tool's
// lock is the other's. A name repositories.yaml does not define is an
// error naming every such repository.
func resolveRepoNames(deps []*chart.Dependency, p Paths) ([]*chart.Dependency, error) {
	var rf *RepoFile
	var missing []string
	out := make([]*chart.Dependency, len(deps))
	for i, d := range deps {
		if d == nil {
			continue
		}
		c := *d
		out[i] = &c
		if !strings.HasPrefix(d.Repository, "@") && !strings.HasPrefix(d.Repository, "alias:") {
			continue
		}
		if rf == nil {
			var err error
			if rf, err = LoadRepoFile(p.RepositoryConfig); err != nil {
				return nil, err
			}
		}
		if e := configuredRepo(rf, d.Repository); e != nil {
			c.Repository = e.URL
			continue
		}
		missing = append(missing, d.Repository)
	}
	if len(missing) > 0 {
		return nil, &NoRepoDefinitionError{Repository: strings.Join(missing, ", ")}
	}
	return out, nil
}

// configuredRepo finds the repositories.yaml entry a dependency's
// repository field means: "@name", "alias:name" or the same URL.
func configuredRepo(rf *RepoFile, repository string) *Entry {
	if name, ok := strings.CutPrefix(repository, "@"); ok {
		return rf.Get(name)
	}
	if name, ok := strings.CutPrefix(repository, "alias:"); ok {
		return rf.Get(name)
	}
	for _, e := range rf.Repositories {
		if e != nil && strings.TrimSuffix(e.URL, "/") == strings.TrimSuffix(repository, "/") {
			return e
		}
	}
	return nil
}
