package kube

import (
	"context"
	"fmt"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The benchmarks run on the fakes, so their times say little about a real
// API server; the requests/object metric (every request that reached a
// fake, divided by the objects) is the point: it is what a cluster pays.

// release300 renders 150 ConfigMaps and 150 ready Deployments.
func release300() string {
	var b strings.Builder
	for i := range 150 {
		fmt.Fprintf(&b, "---\n%s---\n%s", strings.Replace(configMaps(1, "x"), "cm-0", fmt.Sprintf("cm-%d", i), 1),
			deployment(fmt.Sprintf("web-%d", i), 2))
	}
	return b.String()
}

func reportRequests(b *testing.B, f *fakeCluster, objects int) {
	b.ReportMetric(float64(f.Requests())/float64(b.N*objects), "requests/object")
}

func BenchmarkApply300(b *testing.B) {
	manifest := release300()
	b.Run("install", func(b *testing.B) {
		f := newFakeCluster(b)
		c := f.client(b)
		var total int64
		for range b.N {
			b.StopTimer()
			f = newFakeCluster(b)
			c = f.client(b)
			infos := mustBuild(b, c, manifest)
			f.ResetCounts()
			b.StartTimer()
			if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release}); err != nil {
				b.Fatal(err)
			}
			total += f.Requests()
		}
		b.ReportMetric(float64(total)/float64(b.N*300), "requests/object")
	})
	b.Run("upgrade", func(b *testing.B) {
		f := newFakeCluster(b)
		c := f.client(b)
		infos := mustBuild(b, c, manifest)
		if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release}); err != nil {
			b.Fatal(err)
		}
		f.ResetCounts()
		b.ResetTimer()
		for range b.N {
			if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release}); err != nil {
				b.Fatal(err)
			}
		}
		reportRequests(b, f, 300)
	})
}

// An upgrade of a release Helm 3 installed: every object needs its field
// ownership taken over once, so the first kpkg upgrade costs a request
// more per object, and later ones do not.
func BenchmarkApply300FromHelm3(b *testing.B) {
	manifest := release300()
	var total int64
	for range b.N {
		b.StopTimer()
		f := newFakeCluster(b)
		c := f.client(b)
		infos := mustBuild(b, c, manifest)
		for _, info := range infos {
			obj := info.Object.(*unstructured.Unstructured).DeepCopy()
			stamp(obj, release)
			obj.SetResourceVersion("1")
			if _, err := c.resourceFor(info).Create(context.Background(), obj, metav1.CreateOptions{FieldManager: "helm"}); err != nil {
				b.Fatal(err)
			}
		}
		f.ResetCounts()
		b.StartTimer()
		if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release}); err != nil {
			b.Fatal(err)
		}
		total += f.Requests()
	}
	b.ReportMetric(float64(total)/float64(b.N*300), "requests/object")
}

func BenchmarkWait300(b *testing.B) {
	f := newFakeCluster(b)
	c := f.client(b)
	infos := mustBuild(b, c, release300())
	for _, info := range infos {
		f.AddObject(b, info.Object.(*unstructured.Unstructured))
	}
	f.ResetCounts()
	b.ResetTimer()
	for range b.N {
		if err := c.Wait(context.Background(), infos, WaitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	reportRequests(b, f, 300)
}

func BenchmarkDelete300(b *testing.B) {
	manifest := release300()
	var total int64
	for range b.N {
		b.StopTimer()
		f := newFakeCluster(b)
		c := f.client(b)
		infos := mustBuild(b, c, manifest)
		if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release}); err != nil {
			b.Fatal(err)
		}
		f.ResetCounts()
		b.StartTimer()
		if err := c.Delete(context.Background(), infos, release); err != nil {
			b.Fatal(err)
		}
		total += f.Requests()
	}
	b.ReportMetric(float64(total)/float64(b.N*300), "requests/object")
}
