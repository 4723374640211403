package render_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
)

// renderFiles renders a chart built from files (name → content) with
// Chart.yaml supplied.
func renderFiles(t *testing.T, files map[string]string) (*render.Result, error) {
	t.Helper()
	fs := []*chart.File{{Name: "Chart.yaml", Data: []byte("apiVersion: v2\nname: t\nversion: 0.1.0\n")}}
	for name, data := range files {
		fs = append(fs, &chart.File{Name: name, Data: []byte(data)})
	}
	c, err := chart.LoadFiles("t", fs)
	if err != nil {
		t.Fatal(err)
	}
	return render.Render(context.Background(), c, nil, render.Options{Release: render.Release{Name: "r", Namespace: "ns"}})
}

// TestTplRecursionIsBounded: Helm v3.22 recurses until the Go stack
// overflows (1 GB) on these; kpkg stops at 1,000 nested tpl calls with one
// short error.
func TestTplRecursionIsBounded(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
	}{
		{"a value that calls tpl on itself", map[string]string{
			"values.yaml":       "x: '{{ tpl .Values.x . }}'\n",
			"templates/cm.yaml": "{{ tpl .Values.x . }}\n",
		}},
		{"two values that call each other", map[string]string{
			"values.yaml":       "a: '{{ tpl .Values.b . }}'\nb: '{{ tpl .Values.a . }}'\n",
			"templates/cm.yaml": "{{ tpl .Values.a . }}\n",
		}},
		{"a text that grows at every call", map[string]string{
			"values.yaml":       "x: '{{ tpl (print .Values.x \" \") . }}'\n",
			"templates/cm.yaml": "{{ tpl .Values.x . }}\n",
		}},
		{"tpl through include", map[string]string{
			"values.yaml":       "x: '{{ include \"t.x\" . }}'\n",
			"templates/_x.tpl":  "{{- define \"t.x\" }}{{ tpl .Values.x . }}{{ end }}",
			"templates/cm.yaml": "{{ tpl .Values.x . }}\n",
		}},
		{"tpl that defines a template calling tpl", map[string]string{
			"values.yaml":       "x: '{{ define \"y\" }}{{ tpl $.Values.x $ }}{{ end }}{{ include \"y\" . }}'\n",
			"templates/cm.yaml": "{{ tpl .Values.x . }}\n",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := renderFiles(t, tc.files)
			runtime.ReadMemStats(&after)
			var deep *render.TplDepthError
			if !errors.As(err, &deep) {
				t.Fatalf("got %v, want a TplDepthError", err)
			}
			if !strings.Contains(err.Error(), "tpl calls nested more than 1000 deep") || len(err.Error()) > 1024 {
				t.Errorf("error is not one short line (%d bytes): %.300s", len(err.Error()), err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 512<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
		})
	}
}

// TestTplNestingBelowTheBoundWorks: legitimate chains of tpl calls render.
func TestTplNestingBelowTheBoundWorks(t *testing.T) {
	var vals strings.Builder
	const n = 200
	for i := 0; i < n; i++ {
		vals.WriteString("v" + itoa(i) + ": '{{ tpl .Values.v" + itoa(i+1) + " . }}'\n")
	}
	vals.WriteString("v" + itoa(n) + ": done\n")
	res, err := renderFiles(t, map[string]string{
		"values.yaml":       vals.String(),
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ tpl .Values.v0 . }}\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	if out := res.Stream(render.WriteOptions{}); !strings.Contains(out, "a: done") {
		t.Fatalf("output:\n%s", out)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
