package cli

import (
	"testing"
	"time"
)

func TestNameAndChart(t *testing.T) {
	now := time.Unix(1700000000, 0)
	tests := []struct {
		flags       nameFlags
		args        []string
		def         string
		name, chart string
		wantErr     bool
	}{
		{nameFlags{}, []string{"web", "./c"}, "", "web", "./c", false},
		{nameFlags{}, []string{"./c"}, "release-name", "release-name", "./c", false},
		{nameFlags{generate: true}, []string{"./c"}, "release-name", "release-name", "./c", false},
		{nameFlags{template: "n-{{ 1 }}"}, []string{"./c"}, "release-name", "n-1", "./c", false},
		{nameFlags{}, []string{"./c"}, "", "", "./c", true},
		{nameFlags{generate: true}, []string{"a", "./c"}, "", "", "", true},
		{nameFlags{template: "x"}, []string{"a", "./c"}, "", "", "", true},
		{nameFlags{}, []string{"a", "b", "c"}, "", "", "", true},
		{nameFlags{template: "{{"}, []string{"./c"}, "", "", "./c", true},
	}
	for _, tt := range tests {
		name, chart, err := tt.flags.nameAndChart(tt.args, tt.def)
		if (err != nil) != tt.wantErr || name != tt.name || chart != tt.chart {
			t.Errorf("%+v %q: %q %q %v", tt.flags, tt.args, name, chart, err)
		}
	}
	for ref, want := range map[string]string{
		"./charts/todo-app": "todo-app-1700000000",
		"repo/nginx":        "nginx-1700000000",
		"nginx-1.2.3.tgz":   "nginx-1-1700000000",
		".":                 "chart-1700000000",
		"oci://r/x/web":     "web-1700000000",
	} {
		if got := generateReleaseName(ref, now); got != want {
			t.Errorf("generateReleaseName(%q) = %q, want %q", ref, got, want)
		}
	}
}
