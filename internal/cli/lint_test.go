package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func lintData(name string) string { return filepath.Join("..", "..", "testdata", "lint", name) }

// TestLintCommand runs 'kpkg lint' as a user would and compares what it
// prints with goldens; the exit code and the summary line are Helm's.
func TestLintCommand(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
		code   int
	}{
		{"good", []string{"lint", lintData("good")}, 0},
		{"types", []string{"lint", lintData("types")}, 1},
		{"apis-kube-1.23", []string{"lint", lintData("apis"), "--kube-version", "1.23"}, 0},
		{"apis-strict", []string{"lint", "--strict", lintData("apis")}, 1},
		{"values-schema-set", []string{"lint", lintData("values-schema"), "--set", "port=80"}, 0},
		{"quiet-two-charts", []string{"lint", "--quiet", lintData("good"), lintData("chartfile-noicon"), lintData("templates-file")}, 0},
		{"with-subcharts", []string{"lint", "--with-subcharts", lintData("deps")}, 1},
		{"missing-path", []string{"lint", lintData("good"), lintData("no-such-chart")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			out, errOut, code := runKpkgCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			compareGolden(t, "lint/golden/"+tt.golden+".txt", out+"--- stderr\n"+errOut)
		})
	}
}

func TestLintFlagErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", lintData("good"), "--kube-version", "one.two"}, "invalid kube version 'one.two'"},
		{[]string{"lint", lintData("good"), "-f", lintData("nope.yaml")}, "nope.yaml"},
	} {
		_, errOut, code := runKpkgCLI(t, tt.args...)
		if code != 1 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 naming %q", tt.args, code, errOut, tt.want)
		}
	}
}
