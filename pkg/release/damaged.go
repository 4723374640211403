package release

import (
	"context"
	"errors"
	"strings"

	"github.com/kpkg/kpkg/pkg/release/storage"
)

// A revision whose record cannot be read (a *storage.CorruptError) does not
// stop an operation: kpkg goes on from the newest revision it can read, and
// when it must change a damaged revision's status (supersede it, mark it
// failed or uninstalled) it replaces the record by a summary — its version,
// the new status and why — since what the record held is lost anyway.

// DamagedPrefix starts the description of a revision that cannot be read.
const DamagedPrefix = "damaged: "

// damaged is what is known of a revision that cannot be read: its index
// entry, and why.
func damaged(r revision, err error) *Release {
	return &Release{
		Name: r.Name, Namespace: r.Namespace, Version: r.Version,
		Info: &Info{Status: r.Status, Description: DamagedPrefix + err.Error()},
	}
}

// IsDamaged reports whether rel stands for a revision that could not be
// read.
func IsDamaged(rel *Release) bool {
	return rel.Chart == nil && strings.HasPrefix(rel.Info.Description, DamagedPrefix)
}

// readOrSummary reads a revision; one that cannot be read becomes its
// summary, and the damage is logged.
func (c *Config) readOrSummary(ctx context.Context, r revision) (*Release, error) {
	rel, err := c.Store.get(ctx, r)
	var corrupt *storage.CorruptError
	if errors.As(err, &corrupt) {
		c.logf("revision %d of release %s cannot be read: %v", r.Version, r.Name, corrupt)
		return damaged(r, corrupt), nil
	}
	return rel, err
}

// newestReadable is the newest of revs that can be read, nil if none can.
func (c *Config) newestReadable(ctx context.Context, revs []revision) (*Release, error) {
	for i := len(revs) - 1; i >= 0; i-- {
		rel, err := c.readOrSummary(ctx, revs[i])
		if err != nil {
			return nil, err
		}
		if !IsDamaged(rel) {
			return rel, nil
		}
	}
	return nil, nil
}

// setStatus records a new status of a revision read with readOrSummary; a
// damaged one is replaced by its summary, and that is logged.
func (c *Config) setStatus(ctx context.Context, rel *Release, status Status) error {
	rel.Info.Status = status
	if IsDamaged(rel) {
		c.logf("replacing the damaged record of release %s revision %d by a summary marked %s", rel.Name, rel.Version, status)
	}
	return c.Store.Update(ctx, rel, nil)
}
