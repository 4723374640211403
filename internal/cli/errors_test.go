package cli

import (
	"errors"
	"fmt"
	"testing"

	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/release"
	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/values"
)

func TestExplainAddsAdvice(t *testing.T) {
	tests := []struct {
		err      error
		wantMsg  string
		wantCode int
	}{
		{
			fmt.Errorf("upgrade: %w", &kube.ConflictError{Object: "Deployment web", Conflicts: []kube.FieldConflict{{Field: ".spec.replicas", Manager: `"kubectl-edit"`}}}),
			`upgrade: apply Deployment web: field conflict: .spec.replicas is owned by "kubectl-edit"; change the chart to leave these fields alone, or pass --force-conflicts to take them`, 1,
		},
		{
			&release.RevisionNotFoundError{Name: "web", Namespace: "ns", Version: 7},
			"release web in namespace ns has no revision 7; see 'kpkg history web'", 1,
		},
		{
			&release.NotDeployedError{Name: "web", Namespace: "ns"},
			`release "web" has no deployed releases in namespace ns; install it first, or pass --install`, 1,
		},
		{
			fmt.Errorf("pull: %w", &repo.AuthRequiredError{Host: "reg.local", Err: errors.New("401")}),
			"pull: 401; log in with 'kpkg registry login reg.local' or pass --username/--password", 1,
		},
		{
			&ExitError{Code: 2, Err: errors.New("changes found")}, "changes found", 2,
		},
		{errors.New("plain"), "plain", 1},
	}
	for _, tt := range tests {
		msg, code := explain(tt.err)
		if msg != tt.wantMsg || code != tt.wantCode {
			t.Errorf("explain(%v) = %q, %d\nwant %q, %d", tt.err, msg, code, tt.wantMsg, tt.wantCode)
		}
	}
}

func TestValueFlagErrorNamesTheFlag(t *testing.T) {
	_, err := values.Options{JSON: []string{"a={"}}.Merge(t.Context())
	got := valueFlagError(err)
	if want := "failed parsing --set-json data: "; got == nil || got.Error()[:len(want)] != want {
		t.Errorf("valueFlagError = %v, want it to start with %q", got, want)
	}
}
