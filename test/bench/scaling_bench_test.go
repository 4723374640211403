package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// writeTplChart generates an umbrella chart with n subcharts of 20 templates
// each; every template calls tpl once, which is what makes Helm quadratic
// (it clones the whole template set per tpl call).
func writeTplChart(tb testing.TB, n int) string {
	root, err := os.MkdirTemp("", "kpkg-bench-tpl")
	if err != nil {
		tb.Fatal(err)
	}
	dir := filepath.Join(root, "umbrella")
	write := func(name, content string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("Chart.yaml", "apiVersion: v2\nname: umbrella\nversion: 1.0.0\n")
	write("values.yaml", "greeting: hello\n")
	for s := 0; s < n; s++ {
		sub := fmt.Sprintf("charts/sub%03d", s)
		write(sub+"/Chart.yaml", fmt.Sprintf("apiVersion: v2\nname: sub%03d\nversion: 1.0.0\n", s))
		write(sub+"/values.yaml", "message: \"{{ .Release.Name }}-{{ .Chart.Name }}\"\nreplicas: 2\n")
		write(sub+"/templates/_helpers.tpl", "{{- define \"sub.name\" -}}{{ .Chart.Name }}-{{ .Release.Name }}{{- end -}}\n")
		for t := 0; t < 20; t++ {
			var b strings.Builder
			fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"sub.name\" . }}-%02d\ndata:\n", t)
			b.WriteString("  message: {{ tpl .Values.message . | quote }}\n  replicas: {{ .Values.replicas | quote }}\n")
			write(fmt.Sprintf("%s/templates/cm%02d.yaml", sub, t), b.String())
		}
	}
	return dir
}

// scalingInput is a generated chart and Helm's output for it, made once per
// size and shared by every -count repetition (Helm takes ~40 s at 400).
var scalingInputs sync.Map // int -> renderInput

func scalingInput(b *testing.B, n int) renderInput {
	if in, ok := scalingInputs.Load(n); ok {
		return in.(renderInput)
	}
	dir := writeTplChart(b, n)
	in := renderInput{id: fmt.Sprintf("tpl-%d", n), chartDir: dir, golden: helmTemplate(b, dir, nil, false)}
	requireGolden(b, in, "kpkg", kpkgTemplate(b, in))
	scalingInputs.Store(n, in)
	return in
}

// BenchmarkScaling renders generated charts of growing size; kpkg's time must
// grow linearly (time at 400 subcharts at most 2.5 times the time at 200).
func BenchmarkScaling(b *testing.B) {
	for _, n := range []int{50, 100, 200, 400} {
		b.Run(fmt.Sprintf("subcharts=%d", n), func(b *testing.B) {
			in := scalingInput(b, n)
			b.Run("impl=helm", func(b *testing.B) {
				for b.Loop() {
					helmTemplate(b, in.chartDir, nil, false)
				}
			})
			b.Run("impl=kpkg", func(b *testing.B) {
				for b.Loop() {
					kpkgTemplate(b, in)
				}
			})
		})
	}
}
