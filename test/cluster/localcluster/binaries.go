package localcluster

import (
	"fmt"
	"os"
	"path/filepath"
)

// Names of the programs in a binary set.
const (
	BinEtcd                  = "etcd"
	BinKubeAPIServer         = "kube-apiserver"
	BinKubeControllerManager = "kube-controller-manager"
	BinKubeScheduler         = "kube-scheduler"
	BinKubectl               = "kubectl"
	BinKwok                  = "kwok"

	// stagesFile is the assembled kwok stage configuration kept beside the
	// binaries, because it is derived from the kwok module that built them.
	stagesFile = "kwok-stages.yaml"
	// completeMarker is written last, so a directory holding it is whole.
	completeMarker = ".complete"
)

// programs lists every program a cluster start needs.
func programs() []string {
	return []string{BinEtcd, BinKubeAPIServer, BinKubeControllerManager, BinKubeScheduler, BinKubectl, BinKwok}
}

// Binaries is one built, versioned set of cluster programs.
type Binaries struct {
	// Dir holds the programs and the kwok stage configuration.
	Dir string
}

// Path returns the path of the program called name.
func (b Binaries) Path(name string) string { return filepath.Join(b.Dir, name) }

// StagesFile returns the path of the assembled kwok stage configuration.
func (b Binaries) StagesFile() string { return filepath.Join(b.Dir, stagesFile) }

// Check reports the first program or file that is missing from the set.
func (b Binaries) Check() error {
	for _, name := range append([]string{completeMarker, stagesFile}, programs()...) {
		if _, err := os.Stat(filepath.Join(b.Dir, name)); err != nil {
			return fmt.Errorf("binary set %s is incomplete: %w", b.Dir, err)
		}
	}
	return nil
}

// DefaultCacheRoot is ${XDG_CACHE_HOME:-$HOME/.cache}/kpkg/cluster.
func DefaultCacheRoot() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the user cache directory: %w", err)
	}
	return filepath.Join(dir, "kpkg", "cluster"), nil
}
