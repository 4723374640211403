package release

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
)

func sampleRelease(manifest string) *Release {
	return &Release{
		Name: "web", Namespace: "shop", Version: 3,
		Info:     &Info{Status: StatusDeployed, Description: "Upgrade complete", Notes: "hello", LastDeployed: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		Chart:    ChartInfo{Metadata: &chart.Metadata{Name: "web", Version: "1.2.3", AppVersion: "4.5"}, Digest: "sha256:ab"},
		Config:   map[string]any{"replicas": float64(2)},
		Computed: map[string]any{"replicas": float64(2), "image": "nginx"},
		Manifest: manifest,
		Hooks:    []*Hook{{Hook: render.Hook{Name: "migrate", Kind: "Job", Events: []render.HookEvent{render.HookPreUpgrade}, Weight: -1}}},
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	in := sampleRelease("---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\n")
	data, err := encode(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if out.Name != in.Name || out.Version != in.Version || out.Manifest != in.Manifest || out.Info.Notes != "hello" ||
		out.Chart.Metadata.AppVersion != "4.5" || out.Computed["image"] != "nginx" || out.Hooks[0].Weight != -1 {
		t.Errorf("round trip lost data: %+v", out)
	}
}

func TestDecodeRejects(t *testing.T) {
	newer, err := encode(sampleRelease(""))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not gzip", []byte("{}"), "not a release payload"},
		{"truncated", newer[:len(newer)/2], "decompress"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("decode error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestSplitReassembles(t *testing.T) {
	data := make([]byte, 3*1000+7)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		size, chunks int
	}{{1000, 4}, {3007, 1}, {5000, 1}, {1, 3007}}
	for _, tt := range tests {
		got := split(data, tt.size)
		if len(got) != tt.chunks {
			t.Errorf("split(%d) gave %d chunks, want %d", tt.size, len(got), tt.chunks)
		}
		if !bytes.Equal(bytes.Join(got, nil), data) {
			t.Errorf("split(%d) does not reassemble", tt.size)
		}
		for _, c := range got {
			if len(c) > tt.size {
				t.Errorf("split(%d) made a %d-byte chunk", tt.size, len(c))
			}
		}
	}
}

func TestMutableAnnotationsRoundTrip(t *testing.T) {
	rel := sampleRelease("")
	rel.Info.Description = strings.Repeat("x", 10000)
	rel.Labels = map[string]string{"team": "a"}
	head, err := headSecret(rel, []byte("payload"), 1, "sha256:00")
	if err != nil {
		t.Fatal(err)
	}
	got, err := fromMeta(head.ObjectMeta)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 3 || got.Info.Status != StatusDeployed || got.ChartName() != "web-1.2.3" || got.AppVersion() != "4.5" {
		t.Errorf("summary = %+v %+v", got, got.Info)
	}
	if got.Info.Notes != "" {
		t.Errorf("notes belong to the payload, not the annotations")
	}
	if len(got.Info.Description) > 4096 {
		t.Errorf("description not bounded: %d bytes", len(got.Info.Description))
	}
	if got.Labels["team"] != "a" || head.Labels[LabelStatus] != "deployed" || head.Labels[LabelOwner] != OwnerValue {
		t.Errorf("labels: head %v, summary %v", head.Labels, got.Labels)
	}
	if head.Type != SecretType || head.Name != "kpkg.release.v1.web.v3" {
		t.Errorf("head secret %s of type %s", head.Name, head.Type)
	}
}

func TestCheckLabelsRejectsReserved(t *testing.T) {
	for _, k := range []string{"owner", "name", "status", "version", LabelPart} {
		if err := checkLabels(map[string]string{k: "x"}); err == nil {
			t.Errorf("label %q accepted", k)
		}
	}
	if err := checkLabels(map[string]string{"team": "x"}); err != nil {
		t.Errorf("team label: %v", err)
	}
}

// Hook runs live in the head's annotations, which Update patches; the
// payload written before the hooks ran never changes.
func TestHookRunsRoundTripThroughAnnotations(t *testing.T) {
	started := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	newRel := func() *Release {
		rel := &Release{Name: "web", Namespace: "ns", Version: 2, Info: &Info{Status: StatusDeployed}}
		for _, name := range []string{"smoke", "migrate"} {
			h := &Hook{}
			h.Name, h.Kind = name, "Job"
			rel.Hooks = append(rel.Hooks, h)
		}
		return rel
	}
	ran := newRel()
	ran.Hooks[0].LastRun = HookRun{StartedAt: started, CompletedAt: started.Add(time.Second), Phase: "Succeeded"}
	ann, err := mutableAnnotations(ran)
	if err != nil {
		t.Fatal(err)
	}
	read := newRel()
	if err := applyHookRuns(read, metav1.ObjectMeta{Annotations: ann}); err != nil {
		t.Fatal(err)
	}
	if got := read.Hooks[0].LastRun; !got.StartedAt.Equal(started) || got.Phase != "Succeeded" {
		t.Errorf("smoke's run = %+v", got)
	}
	if got := read.Hooks[1].LastRun; !got.StartedAt.IsZero() {
		t.Errorf("migrate never ran but has run %+v", got)
	}
	if _, ok := ann[annHooks]; !ok {
		t.Errorf("no %s annotation", annHooks)
	}
	if ann, _ := mutableAnnotations(newRel()); ann[annHooks] != "" {
		t.Errorf("hooks that never ran wrote %s=%q", annHooks, ann[annHooks])
	}
	bad := newRel()
	if err := applyHookRuns(bad, metav1.ObjectMeta{Annotations: map[string]string{annHooks: "{"}}); err == nil || !strings.Contains(err.Error(), annHooks) {
		t.Errorf("a corrupt annotation gave %v", err)
	}
}
