package cli

import (
	"fmt"

	"github.com/kpkg/kpkg/pkg/release"
)

// parseDryRun reads --dry-run's value ("true" and "client" mean client).
func parseDryRun(s string) (release.DryRun, error) {
	switch s {
	case "", "none", "false":
		return release.DryRunNone, nil
	case "client", "true", "unchanged":
		return release.DryRunClient, nil
	case "server":
		return release.DryRunServer, nil
	}
	return "", fmt.Errorf("invalid --dry-run %q: use client or server", s)
}
