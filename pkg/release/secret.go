package release

import (
	"encoding/json"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kpkg/kpkg/pkg/chart"
)

// Secret layout. A revision is a head Secret holding the mutable Info and
// chart summary in annotations and the first chunk of the payload, plus
// part Secrets holding the rest of a payload too large for one Secret.
const (
	SecretType     = "kpkg.dev/release.v1"
	PartSecretType = "kpkg.dev/release-part.v1"

	LabelOwner   = "owner"
	OwnerValue   = "kpkg"
	LabelName    = "name"
	LabelVersion = "version"
	LabelStatus  = "status"
	LabelPart    = "kpkg.dev/part"

	annInfo   = "kpkg.dev/info"
	annChart  = "kpkg.dev/chart"
	annParts  = "kpkg.dev/parts"
	annDigest = "kpkg.dev/payload-digest"
	annFormat = "kpkg.dev/format"
	annHooks  = "kpkg.dev/hook-runs"
	dataKey   = "release"
)

// chunkSize is the payload bytes one Secret carries: the API server caps a
// Secret's data at 1 MiB; the margin leaves room for nothing else in data.
const chunkSize = 1<<20 - 4096

func secretName(name string, version int) string {
	return fmt.Sprintf("kpkg.release.v1.%s.v%d", name, version)
}

func partName(name string, version, part int) string {
	return fmt.Sprintf("%s.part%d", secretName(name, version), part)
}

// summary is the chart part of the head's annotations.
type summary struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	AppVersion string `json:"appVersion,omitempty"`
}

func split(data []byte, size int) [][]byte {
	var out [][]byte
	for len(data) > size {
		out = append(out, data[:size])
		data = data[size:]
	}
	return append(out, data)
}

func partLabels(rel *Release, part int) map[string]string {
	return map[string]string{
		LabelOwner: OwnerValue, LabelName: rel.Name,
		LabelVersion: strconv.Itoa(rel.Version), LabelPart: strconv.Itoa(part),
	}
}

func headSecret(rel *Release, first []byte, parts int, sum string) (*corev1.Secret, error) {
	ann, err := mutableAnnotations(rel)
	if err != nil {
		return nil, err
	}
	ann[annParts] = strconv.Itoa(parts)
	ann[annDigest] = sum
	ann[annFormat] = strconv.Itoa(payloadFormat)
	labels := map[string]string{}
	for k, v := range rel.Labels {
		labels[k] = v
	}
	labels[LabelOwner] = OwnerValue
	labels[LabelName] = rel.Name
	labels[LabelVersion] = strconv.Itoa(rel.Version)
	labels[LabelStatus] = string(rel.Info.Status)
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: secretName(rel.Name, rel.Version), Labels: labels, Annotations: ann},
		Type:       SecretType,
		Data:       map[string][]byte{dataKey: first},
	}, nil
}

// mutableAnnotations encodes Info (without the notes, which never change
// and live in the payload), the chart summary and the hooks' last runs.
func mutableAnnotations(rel *Release) (map[string]string, error) {
	info := *rel.Info
	info.Notes = ""
	if len(info.Description) > 4096 {
		info.Description = info.Description[:4093] + "..."
	}
	ib, err := json.Marshal(info)
	if err != nil {
		return nil, err
	}
	sum := summary{}
	if m := rel.Chart.Metadata; m != nil {
		sum = summary{Name: m.Name, Version: m.Version, AppVersion: m.AppVersion}
	}
	cb, err := json.Marshal(sum)
	if err != nil {
		return nil, err
	}
	ann := map[string]string{annInfo: string(ib), annChart: string(cb)}
	runs := map[string]HookRun{}
	for _, h := range rel.Hooks {
		if !h.LastRun.StartedAt.IsZero() {
			runs[hookKey(h)] = h.LastRun
		}
	}
	if len(runs) > 0 {
		rb, err := json.Marshal(runs)
		if err != nil {
			return nil, err
		}
		ann[annHooks] = string(rb)
	}
	return ann, nil
}

// hookKey identifies a hook among a revision's hooks.
func hookKey(h *Hook) string { return h.Kind + "/" + h.Name }

// applyHookRuns sets each hook's last run from a head's annotation.
func applyHookRuns(rel *Release, m metav1.ObjectMeta) error {
	raw := m.Annotations[annHooks]
	if raw == "" {
		return nil
	}
	var runs map[string]HookRun
	if err := json.Unmarshal([]byte(raw), &runs); err != nil {
		return fmt.Errorf("secret %s/%s: bad %s annotation: %w", m.Namespace, m.Name, annHooks, err)
	}
	for _, h := range rel.Hooks {
		if run, ok := runs[hookKey(h)]; ok {
			h.LastRun = run
		}
	}
	return nil
}

// fromMeta builds a summary Release (no payload) from a head's metadata.
func fromMeta(m metav1.ObjectMeta) (*Release, error) {
	version, err := strconv.Atoi(m.Labels[LabelVersion])
	if err != nil {
		return nil, fmt.Errorf("secret %s/%s has no valid %q label", m.Namespace, m.Name, LabelVersion)
	}
	rel := &Release{Name: m.Labels[LabelName], Namespace: m.Namespace, Version: version, Info: &Info{}}
	if err := json.Unmarshal([]byte(m.Annotations[annInfo]), rel.Info); err != nil {
		return nil, fmt.Errorf("secret %s/%s: bad %s annotation: %w", m.Namespace, m.Name, annInfo, err)
	}
	var sum summary
	if err := json.Unmarshal([]byte(m.Annotations[annChart]), &sum); err == nil {
		rel.Chart.Metadata = &chart.Metadata{Name: sum.Name, Version: sum.Version, AppVersion: sum.AppVersion}
	}
	for k, v := range m.Labels {
		if !reservedLabel(k) {
			if rel.Labels == nil {
				rel.Labels = map[string]string{}
			}
			rel.Labels[k] = v
		}
	}
	return rel, nil
}

func reservedLabel(k string) bool {
	switch k {
	case LabelOwner, LabelName, LabelVersion, LabelStatus, LabelPart:
		return true
	}
	return false
}
