package repo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/kpkg/kpkg/pkg/chart"
)

// resolver turns dependency entries into locked versions and archives.
type resolver struct {
	dir  string
	opts DependencyOptions
	rf   *RepoFile
}

// archive is a dependency ready to vendor as charts/<file>.
type archive struct {
	file string
	data []byte
}

// resolveAll resolves every dependency. exact means versions come from a
// lock file and must match exactly.
func (r *resolver) resolveAll(ctx context.Context, deps []*chart.Dependency, exact bool) ([]*chart.Dependency, []archive, error) {
	var locked []*chart.Dependency
	var archives []archive
	for _, d := range deps {
		if d == nil {
			continue
		}
		if d.Repository == "" {
			// Vendored by hand: charts/ must already hold it.
			locked = append(locked, &chart.Dependency{Name: d.Name, Version: d.Version})
			continue
		}
		c, data, err := r.resolve(ctx, d, exact)
		if err != nil {
			return nil, nil, fmt.Errorf("dependency %q (version %q, repository %q): %w", d.Name, d.Version, d.Repository, err)
		}
		locked = append(locked, &chart.Dependency{Name: d.Name, Repository: d.Repository, Version: c.Metadata.Version})
		archives = append(archives, archive{file: chart.ArchiveName(c), data: data})
	}
	r.opts.log("Saving %d charts", len(archives))
	return locked, archives, nil
}

func (r *resolver) resolve(ctx context.Context, d *chart.Dependency, exact bool) (*chart.Chart, []byte, error) {
	version := d.Version
	if exact && version != "" {
		version = "=" + version
	}
	if local, ok := strings.CutPrefix(d.Repository, "file://"); ok {
		return r.resolveLocal(ctx, d, local, version)
	}
	req := ChartRequest{Version: version, Auth: r.opts.Auth, Paths: r.opts.Paths, Provenance: r.opts.Provenance}
	if IsOCI(d.Repository) {
		req.Ref = strings.TrimSuffix(d.Repository, "/") + "/" + d.Name
		r.opts.log("Pulling %s from %s", d.Name, d.Repository)
		f, err := Fetch(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		r.warnUnverified(f)
		return f.Chart, f.Data, nil
	}
	if r.rf == nil {
		rf, err := LoadRepoFile(r.opts.Paths.RepositoryConfig)
		if err != nil {
			return nil, nil, err
		}
		r.rf = rf
	}
	var f *Fetched
	var err error
	if e := configuredRepo(r.rf, d.Repository); e != nil {
		r.opts.log("Downloading %s from repo %s", d.Name, e.URL)
		idx, lerr := LoadCachedIndex(r.opts.Paths, e.Name, nil)
		if lerr != nil {
			return nil, nil, lerr
		}
		f, err = fetchFromIndex(ctx, idx, repoSource{label: fmt.Sprintf("repository %q", e.Name), url: e.URL, auth: e.Auth().withDownloaders(req.Auth)}, d.Name, req)
	} else if strings.HasPrefix(d.Repository, "http://") || strings.HasPrefix(d.Repository, "https://") {
		r.opts.log("Downloading %s from repo %s", d.Name, d.Repository)
		req.Ref, req.RepoURL = d.Name, d.Repository
		f, err = Fetch(ctx, req)
	} else {
		return nil, nil, &NoRepoDefinitionError{Repository: d.Repository}
	}
	if err != nil {
		return nil, nil, err
	}
	r.warnUnverified(f)
	return f.Chart, f.Data, nil
}

// warnUnverified says when verification was asked for but the dependency
// had no provenance file and was let through (AllowMissing).
func (r *resolver) warnUnverified(f *Fetched) {
	if r.opts.Provenance.Verify && f.ProvErr != nil {
		r.opts.log("WARNING: %s was not verified: %v", f.Source, f.ProvErr)
	}
}

// resolveLocal packages a file:// dependency, as Helm vendors those too.
func (r *resolver) resolveLocal(ctx context.Context, d *chart.Dependency, rel, version string) (*chart.Chart, []byte, error) {
	p := rel
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.dir, rel)
	}
	c, err := chart.Load(p)
	if err != nil {
		return nil, nil, err
	}
	if c.Name() != d.Name {
		return nil, nil, fmt.Errorf("%s holds chart %q, not %q", p, c.Name(), d.Name)
	}
	if version != "" {
		if err := checkVersion(c.Metadata.Version, strings.TrimPrefix(version, "="), false); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	var buf bytes.Buffer
	if err := chart.WriteArchive(ctx, &buf, c, chart.ArchiveOptions{}); err != nil {
		return nil, nil, err
	}
	return c, buf.Bytes(), nil
}

// vendor puts archives into dir/charts: all of them are staged first, then
// older archives of the same dependencies are removed and the new ones
// renamed into place.
func vendor(dir string, deps []*chart.Dependency, archives []archive, opts DependencyOptions) error {
	chartsDir := filepath.Join(dir, "charts")
	if err := os.MkdirAll(chartsDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", chartsDir, err)
	}
	stage, err := os.MkdirTemp(chartsDir, ".kpkg-deps-*")
	if err != nil {
		return fmt.Errorf("stage dependencies in %s: %w", chartsDir, err)
	}
	defer os.RemoveAll(stage)
	fresh := map[string]bool{}
	for _, a := range archives {
		if err := os.WriteFile(filepath.Join(stage, a.file), a.data, 0o644); err != nil {
			return fmt.Errorf("stage %s: %w", a.file, err)
		}
		fresh[a.file] = true
	}
	opts.log("Deleting outdated charts")
	for _, d := range deps {
		if d == nil || d.Repository == "" {
			continue
		}
		for _, old := range outdatedArchives(chartsDir, d.Name, fresh) {
			if err := os.Remove(old); err != nil {
				return fmt.Errorf("remove outdated %s: %w", old, err)
			}
		}
	}
	for _, a := range archives {
		if err := os.Rename(filepath.Join(stage, a.file), filepath.Join(chartsDir, a.file)); err != nil {
			return fmt.Errorf("vendor %s: %w", a.file, err)
		}
	}
	return nil
}

// outdatedArchives lists charts/<name>-<version>.tgz files other than the
// fresh ones; "<name>-" followed by something that is not a version (another
// chart such as nginx-ingress for nginx) is left alone.
func outdatedArchives(chartsDir, name string, fresh map[string]bool) []string {
	matches, _ := filepath.Glob(filepath.Join(chartsDir, name+"-*.tgz"))
	var out []string
	for _, m := range matches {
		base := filepath.Base(m)
		v := strings.TrimSuffix(strings.TrimPrefix(base, name+"-"), ".tgz")
		if fresh[base] || !looksLikeVersion(v) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func looksLikeVersion(s string) bool {
	_, err := semver.NewVersion(s)
	return err == nil
}
