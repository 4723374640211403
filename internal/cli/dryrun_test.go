package cli

import (
	"testing"

	"github.com/kpkg/kpkg/pkg/release"
)

func TestParseDryRun(t *testing.T) {
	tests := []struct {
		in      string
		want    release.DryRun
		wantErr bool
	}{
		{"", release.DryRunNone, false}, {"false", release.DryRunNone, false}, {"none", release.DryRunNone, false},
		{"client", release.DryRunClient, false}, {"true", release.DryRunClient, false}, {"unchanged", release.DryRunClient, false},
		{"server", release.DryRunServer, false}, {"maybe", "", true},
	}
	for _, tt := range tests {
		got, err := parseDryRun(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseDryRun(%q) = %q, %v", tt.in, got, err)
		}
	}
}
