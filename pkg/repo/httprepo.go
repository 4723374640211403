package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/kpkg/kpkg/pkg/internal/atomicfile"
	"github.com/kpkg/kpkg/pkg/internal/filelock"
	"github.com/kpkg/kpkg/pkg/internal/parallel"
)

// AddOptions control AddRepo. The zero value refuses to replace a
// repository configured differently under the same name and waits
// DefaultTimeout for the index.
type AddOptions struct {
	// ForceUpdate replaces an existing repository of the same name.
	ForceUpdate bool
	// Timeout bounds the index download; zero means DefaultTimeout.
	Timeout time.Duration
	// Downloaders fetch repositories of other schemes than http(s).
	Downloaders Downloaders
}

// ErrRepoExistsSame reports that the repository is already configured
// exactly so; AddRepo changes nothing.
var ErrRepoExistsSame = errors.New("already exists with the same configuration")

// AddRepo checks that e.URL serves a valid index, caches that index and
// records e in repositories.yaml. When anything fails, the configuration and
// the cache are left as they were. The index is downloaded before the
// configuration lock is taken, so a slow server holds up no other command.
func AddRepo(ctx context.Context, p Paths, e Entry, opts AddOptions) error {
	if err := validRepoName(e.Name); err != nil {
		return err
	}
	if strings.HasPrefix(e.URL, "oci://") {
		return &OCIRepoError{Name: e.Name, Registry: strings.TrimPrefix(e.URL, "oci://")}
	}
	current, err := LoadRepoFile(p.RepositoryConfig)
	if err != nil {
		return err
	}
	if err := checkAdd(current, e, opts); err != nil {
		return err
	}
	a := e.Auth()
	a.Timeout, a.Downloaders = opts.Timeout, opts.Downloaders
	data, idx, err := fetchIndex(ctx, e.URL, a, fmt.Sprintf("repository %q (%s)", e.Name, e.URL))
	if err != nil {
		return fmt.Errorf("looks like %q is not a valid chart repository or cannot be reached: %w", e.URL, err)
	}
	return updateRepoFile(ctx, p, func(f *RepoFile) error {
		// Another process may have changed the file during the download.
		if err := checkAdd(f, e, opts); err != nil {
			return err
		}
		if err := writeCachedIndex(p, e.Name, data, idx); err != nil {
			return err
		}
		if old := f.Get(e.Name); old != nil {
			*old = e
		} else {
			f.Repositories = append(f.Repositories, &e)
		}
		return nil
	})
}

// checkAdd says whether f allows adding e.
func checkAdd(f *RepoFile, e Entry, opts AddOptions) error {
	old := f.Get(e.Name)
	switch {
	case old == nil:
		return nil
	case *old == e:
		return fmt.Errorf("repository %q %w", e.Name, ErrRepoExistsSame)
	case !opts.ForceUpdate:
		return &RepoExistsError{Name: e.Name}
	}
	return nil
}

// RemoveRepo drops the named repositories from repositories.yaml and their
// cached indexes. An unknown name is an error and nothing is removed.
func RemoveRepo(ctx context.Context, p Paths, names ...string) error {
	return updateRepoFile(ctx, p, func(f *RepoFile) error {
		for _, name := range names {
			if !f.Remove(name) {
				return fmt.Errorf("no repo named %q found", name)
			}
		}
		for _, name := range names {
			for _, file := range []string{p.CacheIndexFile(name), p.CacheChartsFile(name)} {
				if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("remove cached index of %q: %w", name, err)
				}
			}
		}
		return nil
	})
}

// UpdateResult is the outcome of refreshing one repository.
type UpdateResult struct {
	Name string
	URL  string
	Err  error
}

// UpdateOptions control UpdateReposWithOptions. The zero value waits
// DefaultTimeout for each index.
type UpdateOptions struct {
	// Timeout bounds each index download; zero means DefaultTimeout.
	Timeout time.Duration
	// Downloaders fetch repositories of other schemes than http(s).
	Downloaders Downloaders
}

// UpdateRepos is UpdateReposWithOptions with the zero UpdateOptions.
func UpdateRepos(ctx context.Context, p Paths, names ...string) ([]UpdateResult, error) {
	return UpdateReposWithOptions(ctx, p, UpdateOptions{}, names...)
}

// UpdateReposWithOptions downloads fresh indexes for the named
// repositories, or all of them when names is empty, all at once. Each index
// is validated before it replaces the cached one, so a broken server never
// spoils the cache, and the configuration lock is taken only to write the
// cache once the downloads are over. The returned error is for problems that
// stop the whole update; per-repository failures are in the results.
func UpdateReposWithOptions(ctx context.Context, p Paths, opts UpdateOptions, names ...string) ([]UpdateResult, error) {
	f, err := LoadRepoFile(p.RepositoryConfig)
	if err != nil {
		return nil, err
	}
	if len(f.Repositories) == 0 {
		return nil, errors.New("no repositories found. You must add one before updating")
	}
	entries, err := selectRepos(f, names)
	if err != nil {
		return nil, err
	}
	results := make([]UpdateResult, len(entries))
	fetched := make([]fetchedIndex, len(entries))
	var g parallel.Group
	for i, e := range entries {
		results[i] = UpdateResult{Name: e.Name, URL: e.URL}
		a := e.Auth()
		a.Timeout, a.Downloaders = opts.Timeout, opts.Downloaders
		g.Go(func() {
			fetched[i].data, fetched[i].idx, results[i].Err = fetchIndex(ctx, e.URL, a, fmt.Sprintf("repository %q (%s)", e.Name, e.URL))
		})
	}
	g.Wait()
	err = filelock.With(ctx, p.lockFile(), func() error {
		for i, e := range entries {
			if results[i].Err == nil {
				results[i].Err = writeCachedIndex(p, e.Name, fetched[i].data, fetched[i].idx)
			}
		}
		return nil
	})
	return results, err
}

// fetchedIndex is a downloaded index and its parsed form.
type fetchedIndex struct {
	data []byte
	idx  *IndexFile
}

func selectRepos(f *RepoFile, names []string) ([]*Entry, error) {
	if len(names) == 0 {
		return f.Repositories, nil
	}
	var out, missing []string
	var entries []*Entry
	for _, n := range names {
		if e := f.Get(n); e != nil {
			entries = append(entries, e)
			out = append(out, n)
		} else {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("no repositories found matching '%s'. Nothing will be updated", strings.Join(missing, "', '"))
	}
	return entries, nil
}

// writeCachedIndex replaces the cached index of repository name and its
// chart list, each atomically.
func writeCachedIndex(p Paths, name string, data []byte, idx *IndexFile) error {
	if err := atomicfile.WriteFile(p.CacheIndexFile(name), data, 0o644); err != nil {
		return err
	}
	return atomicfile.WriteFile(p.CacheChartsFile(name), []byte(chartList(idx)), 0o644)
}

// fetchIndex downloads and parses repoURL/index.yaml.
func fetchIndex(ctx context.Context, repoURL string, a Auth, source string) ([]byte, *IndexFile, error) {
	f, err := newFetcher(repoURL, a)
	if err != nil {
		return nil, nil, err
	}
	indexURL, err := resolveURL(repoURL, "index.yaml")
	if err != nil {
		return nil, nil, err
	}
	data, err := f.get(ctx, indexURL, maxIndexSize)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", source, err)
	}
	idx, err := ParseIndex(data, IndexLoadOptions{Source: source})
	if err != nil {
		return nil, nil, err
	}
	return data, idx, nil
}

func chartList(idx *IndexFile) string {
	names := make([]string, 0, len(idx.Entries))
	for n := range idx.Entries {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte('\n')
	}
	return b.String()
}

// LoadCachedIndex reads the cached index of repository name.
func LoadCachedIndex(p Paths, name string, warn func(string, ...any)) (*IndexFile, error) {
	idx, err := LoadIndexFile(p.CacheIndexFile(name), IndexLoadOptions{Source: fmt.Sprintf("cached index of repository %q", name), Warn: warn})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NoCachedIndexError{Repo: name, Err: err}
	}
	return idx, err
}
