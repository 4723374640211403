package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/internal/atomicfile"
	"github.com/kpkg/kpkg/pkg/internal/filelock"
)

// Entry is one repository in repositories.yaml; JSON names match Helm's.
type Entry struct {
	Name                  string `json:"name"`
	URL                   string `json:"url"`
	Username              string `json:"username"`
	Password              string `json:"password"`
	CertFile              string `json:"certFile"`
	KeyFile               string `json:"keyFile"`
	CAFile                string `json:"caFile"`
	InsecureSkipTLSVerify bool   `json:"insecure_skip_tls_verify"`
	PassCredentialsAll    bool   `json:"pass_credentials_all"`
}

// Auth is how to reach the repository.
func (e *Entry) Auth() Auth {
	return Auth{
		Username: e.Username, Password: e.Password,
		CertFile: e.CertFile, KeyFile: e.KeyFile, CAFile: e.CAFile,
		InsecureSkipTLSVerify: e.InsecureSkipTLSVerify,
		PassCredentialsAll:    e.PassCredentialsAll,
	}
}

// RepoFile is repositories.yaml.
type RepoFile struct {
	APIVersion   string    `json:"apiVersion"`
	Generated    time.Time `json:"generated"`
	Repositories []*Entry  `json:"repositories"`
}

// LoadRepoFile reads repositories.yaml. A missing file is an empty
// configuration, not an error.
func LoadRepoFile(name string) (*RepoFile, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return &RepoFile{APIVersion: APIVersionV1, Repositories: []*Entry{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read repository configuration %s: %w", name, err)
	}
	f := &RepoFile{}
	if err := yaml.Unmarshal(data, f); err != nil {
		return nil, fmt.Errorf("repository configuration %s is not valid YAML (fix or delete it): %w", name, err)
	}
	return f, nil
}

// Get returns the repository called name, or nil.
func (f *RepoFile) Get(name string) *Entry {
	for _, e := range f.Repositories {
		if e != nil && e.Name == name {
			return e
		}
	}
	return nil
}

// Remove drops the repository called name and reports whether it was there.
func (f *RepoFile) Remove(name string) bool {
	kept := f.Repositories[:0]
	found := false
	for _, e := range f.Repositories {
		if e == nil {
			continue
		}
		if e.Name == name {
			found = true
			continue
		}
		kept = append(kept, e)
	}
	f.Repositories = kept
	return found
}

// write saves f atomically, readable by the owner only because it may hold
// passwords.
func (f *RepoFile) write(name string) error {
	if f.APIVersion == "" {
		f.APIVersion = APIVersionV1
	}
	f.Generated = time.Now()
	data, err := yaml.Marshal(f)
	if err != nil {
		return fmt.Errorf("serialise repository configuration: %w", err)
	}
	return atomicfile.WriteFile(name, data, 0o600)
}

// updateRepoFile loads repositories.yaml, lets change edit it and writes it
// back, all under the configuration lock so concurrent kpkg runs never lose
// each other's changes. When change fails nothing is written.
func updateRepoFile(ctx context.Context, p Paths, change func(*RepoFile) error) error {
	return filelock.With(ctx, p.lockFile(), func() error {
		f, err := LoadRepoFile(p.RepositoryConfig)
		if err != nil {
			return err
		}
		if err := change(f); err != nil {
			return err
		}
		return f.write(p.RepositoryConfig)
	})
}

// validRepoName rejects names that could not be told apart from a chart
// reference or a path.
func validRepoName(name string) error {
	switch {
	case name == "":
		return errors.New("repository name is empty")
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("repository name (%s) contains '/', please specify a different name without '/'", name)
	case name == "." || name == "..":
		return fmt.Errorf("repository name %q is not allowed", name)
	}
	return nil
}
