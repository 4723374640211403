package release

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"

	helmloader "helm.sh/helm/v3/pkg/chart/loader"
	helmrelease "helm.sh/helm/v3/pkg/release"
	helmtime "helm.sh/helm/v3/pkg/time"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/render"
)

// helmStoredSize is what Helm's Secret driver stores for rel: the bytes of
// base64(gzip(JSON of release.Release)) in data["release"].
func helmStoredSize(t *testing.T, rel *helmrelease.Release) int {
	t.Helper()
	raw, err := json.Marshal(rel)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	return len(base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// TestStoredSizeVersusHelm renders charts/todo-app, builds the revision
// kpkg stores and the one Helm would, and requires kpkg's to be smaller:
// both write Helm's record, but kpkg keeps the chart's metadata and values,
// not its templates and files.
func TestStoredSizeVersusHelm(t *testing.T) {
	const dir = "../../charts/todo-app"
	ch, err := chart.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := render.Render(context.Background(), ch, nil, render.Options{Release: render.Release{Name: "todo", Namespace: "apps", Revision: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ours := &Release{
		Name: "todo", Namespace: "apps", Version: 1,
		Info:  &Info{Status: StatusDeployed, Notes: res.Notes, LastDeployed: now(), Description: "Install complete"},
		Chart: chartRecord(ch, res.Chart), Manifest: res.Manifest(false), ApplyMethod: record.ApplyServerSide,
	}
	data, err := record.Encode(ours, record.Default)
	if err != nil {
		t.Fatal(err)
	}
	oursSize := base64.StdEncoding.EncodedLen(len(data))

	hc, err := helmloader.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := helmtime.Now()
	theirs := &helmrelease.Release{
		Name: "todo", Namespace: "apps", Version: 1, Chart: hc, Config: map[string]any{}, Manifest: ours.Manifest,
		Info: &helmrelease.Info{Status: helmrelease.StatusDeployed, Notes: res.Notes, FirstDeployed: now, LastDeployed: now, Description: "Install complete"},
	}
	helmSize := helmStoredSize(t, theirs)
	t.Logf("charts/todo-app revision: kpkg stores %d bytes, Helm stores %d bytes", oursSize, helmSize)
	if oursSize >= helmSize {
		t.Errorf("kpkg's revision (%d bytes) is not smaller than Helm's (%d bytes)", oursSize, helmSize)
	}
}
