// Package storagetest holds the behaviour every release storage driver
// promises (storage.Driver's contract), as one test each driver's package
// runs on its own store.
package storagetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/release/storage"
)

// Revision is a small revision of release name in namespace.
func Revision(namespace, name string, version int, status record.Status) *record.Release {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &record.Release{
		Name: name, Namespace: namespace, Version: version,
		Info: &record.Info{FirstDeployed: record.Time{Time: at}, LastDeployed: record.Time{Time: at},
			Status: status, Description: "Install complete"},
		Chart: &record.Chart{Metadata: &chart.Metadata{APIVersion: "v2", Name: name, Version: "1.0.0"},
			Values: map[string]any{"replicas": float64(1)}},
		Config:   map[string]any{"replicas": float64(2)},
		Manifest: "---\n# Source: " + name + "/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n",
		Labels:   map[string]string{"team": "a"},
	}
}

// Contract checks a driver that newDriver returns empty, storing
// revisions in namespaces "a" and "b": what Create stores Get returns,
// Index lists and filters without payloads, Update rewrites status and
// annotations, Delete forgets, and the errors are storage's sentinels.
func Contract(t *testing.T, newDriver func(t *testing.T) storage.Driver) {
	ctx := context.Background()
	t.Run("round trip", func(t *testing.T) {
		d := newDriver(t)
		want := Revision("a", "web", 1, record.StatusDeployed)
		if _, err := d.Create(ctx, want, storage.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := d.Get(ctx, "a", "web", 1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != want.Name || got.Version != 1 || got.Info.Status != record.StatusDeployed ||
			got.Manifest != want.Manifest || !reflect.DeepEqual(got.Config, want.Config) || got.Labels["team"] != "a" {
			t.Errorf("Get = %+v, want %+v", got, want)
		}
	})
	t.Run("sentinel errors", func(t *testing.T) {
		d := newDriver(t)
		if _, err := d.Get(ctx, "a", "web", 7); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Get of a missing revision = %v, want ErrNotFound", err)
		}
		if _, err := d.Create(ctx, Revision("a", "web", 1, record.StatusDeployed), storage.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Create(ctx, Revision("a", "web", 1, record.StatusDeployed), storage.WriteOptions{}); !errors.Is(err, storage.ErrExists) {
			t.Errorf("second Create = %v, want ErrExists", err)
		}
		if err := d.Update(ctx, Revision("a", "web", 2, record.StatusDeployed), storage.WriteOptions{}); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Update of a missing revision = %v, want ErrNotFound", err)
		}
		if err := d.Delete(ctx, "a", "web", 9); err != nil {
			t.Errorf("Delete of a missing revision = %v", err)
		}
	})
	t.Run("index filters", func(t *testing.T) {
		d := newDriver(t)
		for _, r := range []*record.Release{Revision("a", "web", 1, record.StatusSuperseded), Revision("a", "web", 2, record.StatusDeployed),
			Revision("a", "db", 1, record.StatusFailed), Revision("b", "web", 1, record.StatusDeployed)} {
			if _, err := d.Create(ctx, r, storage.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct{ namespace, name, want string }{
			{"a", "web", "a/web.v1:superseded a/web.v2:deployed"},
			{"a", "", "a/db.v1:failed a/web.v1:superseded a/web.v2:deployed"},
			{"", "web", "a/web.v1:superseded a/web.v2:deployed b/web.v1:deployed"},
			{"b", "db", ""},
		} {
			entries, err := d.Index(ctx, tt.namespace, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(entries); got != tt.want {
				t.Errorf("Index(%q, %q) = %q, want %q", tt.namespace, tt.name, got, tt.want)
			}
		}
	})
	t.Run("update and delete", func(t *testing.T) {
		d := newDriver(t)
		rel := Revision("a", "web", 1, record.StatusPendingInstall)
		if _, err := d.Create(ctx, rel, storage.WriteOptions{Annotations: map[string]string{"kpkg.dev/operation": "install"}}); err != nil {
			t.Fatal(err)
		}
		if e := only(t, d, "a", "web"); e.Status != record.StatusPendingInstall || e.Annotations["kpkg.dev/operation"] != "install" {
			t.Errorf("after Create: %+v", e)
		}
		rel.Info.Status, rel.Info.Description = record.StatusDeployed, "done"
		if err := d.Update(ctx, rel, storage.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if e := only(t, d, "a", "web"); e.Status != record.StatusDeployed || e.Annotations["kpkg.dev/operation"] != "" {
			t.Errorf("after Update: %+v", e)
		}
		if got, err := d.Get(ctx, "a", "web", 1); err != nil || got.Info.Description != "done" {
			t.Errorf("Get after Update = %+v, %v", got, err)
		}
		if err := d.Delete(ctx, "a", "web", 1); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Get(ctx, "a", "web", 1); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Get after Delete = %v, want ErrNotFound", err)
		}
	})
}

func only(t *testing.T, d storage.Driver, namespace, name string) storage.Entry {
	t.Helper()
	entries, err := d.Index(context.Background(), namespace, name)
	if err != nil || len(entries) != 1 {
		t.Fatalf("Index(%q, %q) = %v, %v; want one entry", namespace, name, entries, err)
	}
	return entries[0]
}

// describe is entries as sorted "ns/name.vN:status" words.
func describe(entries []storage.Entry) string {
	var words []string
	for _, e := range entries {
		words = append(words, e.Namespace+"/"+e.Name+".v"+strconv.Itoa(e.Version)+":"+string(e.Status))
	}
	slices.Sort(words)
	return strings.Join(words, " ")
}
