package localcluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// buildRecipe names the way binaries are built (flags, environment, stage
// list). Bump it when that changes so existing caches are not reused.
const buildRecipe = "kpkg-cluster-build/1"

// Module paths the harness builds from.
const (
	modKubernetes = "k8s.io/kubernetes"
	modEtcdServer = "go.etcd.io/etcd/server/v3"
	modKwok       = "sigs.k8s.io/kwok"
)

// versions are the upstream releases a binary set is built from.
type versions struct {
	Kubernetes string
	Etcd       string
	Kwok       string
}

// buildPlan says what to build and under which cache key.
type buildPlan struct {
	sourceDir string
	versions  versions
	// key is the cache directory's name: readable versions first, then a
	// hash of everything that can change the output.
	key string
}

// planBuild reads the harness modules under sourceDir (test/cluster) and
// derives the cache key from their go.mod/go.sum, the local sources, the
// Go toolchain version and the build recipe.
func planBuild(ctx context.Context, sourceDir string) (buildPlan, error) {
	plan := buildPlan{sourceDir: sourceDir}
	cp, err := readRequires(filepath.Join(sourceDir, "controlplane", "go.mod"))
	if err != nil {
		return plan, err
	}
	kw, err := readRequires(filepath.Join(sourceDir, "kwok", "go.mod"))
	if err != nil {
		return plan, err
	}
	plan.versions = versions{Kubernetes: cp[modKubernetes], Etcd: cp[modEtcdServer], Kwok: kw[modKwok]}
	if plan.versions.Kubernetes == "" || plan.versions.Etcd == "" || plan.versions.Kwok == "" {
		return plan, fmt.Errorf("harness go.mod files must require %s, %s and %s; found %+v",
			modKubernetes, modEtcdServer, modKwok, plan.versions)
	}

	inputs, err := keyInputs(sourceDir)
	if err != nil {
		return plan, err
	}
	goVersion, err := goOutput(ctx, sourceDir, "env", "GOVERSION")
	if err != nil {
		return plan, err
	}

	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", buildRecipe, goVersion, strings.Join(upstreamStages(), "\n"))
	for _, rel := range inputs {
		if err := hashFile(h, sourceDir, rel); err != nil {
			return plan, err
		}
	}
	plan.key = fmt.Sprintf("k8s-%s_kwok-%s_%s",
		plan.versions.Kubernetes, plan.versions.Kwok, hex.EncodeToString(h.Sum(nil))[:12])
	return plan, nil
}

// keyInputs lists, relative to sourceDir and sorted, the files whose
// content decides what the build produces.
func keyInputs(sourceDir string) ([]string, error) {
	files := []string{
		"controlplane/go.mod", "controlplane/go.sum",
		"kwok/go.mod", "kwok/go.sum",
	}
	for _, pattern := range []string{"controlplane/etcd/*.go", "kwok/stages/*.yaml"} {
		matches, err := filepath.Glob(filepath.Join(sourceDir, pattern))
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", pattern, err)
		}
		for _, m := range matches {
			rel, err := filepath.Rel(sourceDir, m)
			if err != nil {
				return nil, fmt.Errorf("relative path of %s: %w", m, err)
			}
			files = append(files, filepath.ToSlash(rel))
		}
	}
	slices.Sort(files)
	return files, nil
}

func hashFile(h io.Writer, dir, rel string) error {
	f, err := os.Open(filepath.Join(dir, rel))
	if err != nil {
		return fmt.Errorf("open build input: %w", err)
	}
	defer f.Close()
	fmt.Fprintf(h, "== %s\n", rel)
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("hash build input %s: %w", rel, err)
	}
	return nil
}

// readRequires maps each module required by the go.mod at path to its
// version.
func readRequires(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read harness module: %w", err)
	}
	f, err := modfile.ParseLax(path, data, nil)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	out := make(map[string]string, len(f.Require))
	for _, r := range f.Require {
		out[r.Mod.Path] = r.Mod.Version
	}
	return out, nil
}
