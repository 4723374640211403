package bench

import (
	"context"
	"fmt"
	"testing"

	helmrelease "helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/kube/kubetest"
	"github.com/kpkg/kpkg/pkg/release"
	"github.com/kpkg/kpkg/pkg/release/storage"
	"github.com/kpkg/kpkg/pkg/release/storage/helmv1"
	"github.com/kpkg/kpkg/pkg/render"
	"github.com/kpkg/kpkg/pkg/values"
)

// BenchmarkReleaseStore writes one revision of kube-prometheus-stack
// (--include-crds: 5 MB of manifest) through each tool's Secret storage and
// reads it back: Helm's Secrets driver and kpkg's (which writes Helm's
// format), both on kubetest's in-memory API server, so what differs is
// the encoding (what each stores, how it is compressed, split and decoded),
// not the network.
func BenchmarkReleaseStore(b *testing.B) {
	in := loadInput(b, "kube-prometheus-stack--include-crds")
	ctx := context.Background()

	b.Run("impl=helm", func(b *testing.B) {
		rel := helmRelease(b, in.chartDir, in.valueFiles, in.includeCRDs)
		rel.Info.Status = helmrelease.StatusDeployed
		secrets := driver.NewSecrets(kubetest.NewCluster(b).Core.CoreV1().Secrets("corpus"))
		b.ReportAllocs()
		version := 0
		for b.Loop() {
			version++
			rel.Version = version
			key := fmt.Sprintf("sh.helm.release.v1.%s.v%d", rel.Name, version)
			if err := secrets.Create(key, rel); err != nil {
				b.Fatal(err)
			}
			if _, err := secrets.Get(key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=kpkg", func(b *testing.B) {
		rel := kpkgRelease(b, in)
		f := kubetest.NewCluster(b)
		store := helmv1.New(f.Core, f.Meta, helmv1.Options{})
		b.ReportAllocs()
		version := 0
		for b.Loop() {
			version++
			rel.Version = version
			if _, err := store.Create(ctx, rel, storage.WriteOptions{}); err != nil {
				b.Fatal(err)
			}
			if _, err := store.Get(ctx, rel.Namespace, rel.Name, version); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// kpkgRelease is the revision kpkg stores for an install of the case.
func kpkgRelease(tb testing.TB, in renderInput) *release.Release {
	c, err := chart.Load(in.chartDir)
	if err != nil {
		tb.Fatal(err)
	}
	vals, err := values.Options{Files: in.valueFiles}.Merge(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	res, err := render.Render(context.Background(), c, vals, render.Options{Release: render.Release{Name: "rel", Namespace: "corpus", Revision: 1}})
	if err != nil {
		tb.Fatal(err)
	}
	rel := release.NewRevision(c, res, vals, "rel", "corpus", 1)
	rel.Info.Status, rel.Info.Description = release.StatusDeployed, "Install complete"
	rel.Manifest = res.Manifest(in.includeCRDs)
	return rel
}
