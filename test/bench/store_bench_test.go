package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	helmrelease "helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	metafake "k8s.io/client-go/metadata/fake"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/release"
	"github.com/kpkg/kpkg/pkg/render"
	"github.com/kpkg/kpkg/pkg/values"
)

// BenchmarkReleaseStore writes one revision of kube-prometheus-stack
// (--include-crds: 5 MB of manifest) through each tool's Secret storage and
// reads it back: Helm's Secrets driver and kpkg's release.Store, both on
// client-go's in-memory fake clientset, so what differs is the encoding
// (what each stores, how it is compressed, split and decoded), not the
// network.
func BenchmarkReleaseStore(b *testing.B) {
	in := loadInput(b, "kube-prometheus-stack--include-crds")
	ctx := context.Background()

	b.Run("impl=helm", func(b *testing.B) {
		rel := helmRelease(b, in.chartDir, in.valueFiles, in.includeCRDs)
		rel.Info.Status = helmrelease.StatusDeployed
		secrets := driver.NewSecrets(fake.NewSimpleClientset().CoreV1().Secrets("corpus"))
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
		scheme := runtime.NewScheme()
		if err := metav1.AddMetaToScheme(scheme); err != nil {
			b.Fatal(err)
		}
		store := release.NewStore(fake.NewSimpleClientset(), metafake.NewSimpleMetadataClient(scheme))
		b.ReportAllocs()
		version := 0
		for b.Loop() {
			version++
			rel.Version = version
			if err := store.Create(ctx, rel); err != nil {
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
	md := *res.Chart.Metadata
	rel := &release.Release{
		Name: "rel", Namespace: "corpus", Version: 1,
		Info:     &release.Info{Status: release.StatusDeployed, Notes: res.Notes, LastDeployed: time.Now().UTC(), Description: "Install complete"},
		Chart:    release.ChartInfo{Metadata: &md, Digest: release.ChartDigest(c)},
		Config:   vals,
		Computed: res.Values,
		Manifest: res.Manifest(in.includeCRDs),
	}
	for _, h := range res.Hooks {
		rel.Hooks = append(rel.Hooks, &release.Hook{Hook: *h})
	}
	return rel
}
