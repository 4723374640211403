package plugin

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunHook(t *testing.T) {
	skipOnWindows(t)
	dir := t.TempDir()
	tests := []struct {
		name    string
		yaml    string
		event   string
		want    string // stdout
		wantErr string
	}{
		{name: "legacy hook runs in sh", yaml: "hooks: {install: 'echo \"$HELM_PLUGIN_NAME in $HELM_PLUGIN_DIR\" | tr a-z A-Z'}",
			event: HookInstall, want: "LEGACY-HOOK-RUNS-IN-SH IN " + strings.ToUpper(filepath.Join(dir, "legacy-hook-runs-in-sh")) + "\n"},
		{name: "platform hook expands args", yaml: "platformHooks: {update: [{command: echo, args: ['$HELM_NAMESPACE', '${HELM_PLUGIN_NAME}']}]}",
			event: HookUpdate, want: "ns platform-hook-expands-args\n"},
		{name: "platform hook wins", yaml: "hooks: {delete: 'echo legacy'}\nplatformHooks: {delete: [{command: echo, args: [platform]}]}",
			event: HookDelete, want: "platform\n"},
		{name: "legacy fills other events", yaml: "hooks: {update: 'echo legacy'}\nplatformHooks: {delete: [{command: echo}]}",
			event: HookUpdate, want: "legacy\n"},
		{name: "no hook", yaml: "hooks: {install: 'echo x'}", event: HookDelete},
		{name: "no hook for this platform", yaml: "platformHooks: {install: [{os: plan9, command: 'false'}]}", event: HookInstall},
		{name: "failing hook", yaml: "hooks: {install: 'echo partial; echo broken >&2; exit 4'}", event: HookInstall,
			want: "partial\n", wantErr: "exit status 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := strings.ReplaceAll(tt.name, " ", "-")
			pd := writePlugin(t, dir, name, "name: "+name+"\n"+tt.yaml+"\n", nil)
			p, err := LoadDir(pd)
			if err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			err = p.RunHook(context.Background(), tt.event, HookOptions{Env: testEnv(map[string]string{"HELM_NAMESPACE": "ns"}), Stdout: &out, Stderr: &errOut})
			if out.String() != tt.want {
				t.Errorf("stdout %q, want %q", out.String(), tt.want)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ee *ExecError
			if !errors.As(err, &ee) || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "install hook") {
				t.Errorf("err = %v, want an ExecError for the install hook with %q", err, tt.wantErr)
			}
			if errOut.String() != "broken\n" {
				t.Errorf("stderr %q went elsewhere", errOut.String())
			}
		})
	}
}

// TestRunHookKeepsStderr: without a stderr writer the error carries it.
func TestRunHookKeepsStderr(t *testing.T) {
	skipOnWindows(t)
	pd := writePlugin(t, t.TempDir(), "h", "name: h\nhooks: {install: 'echo why-it-failed >&2; exit 1'}\n", nil)
	p, err := LoadDir(pd)
	if err != nil {
		t.Fatal(err)
	}
	err = p.RunHook(context.Background(), HookInstall, HookOptions{Env: testEnv(nil)})
	if err == nil || !strings.Contains(err.Error(), "why-it-failed") {
		t.Errorf("err = %v, want the hook's stderr in it", err)
	}
}

// TestHookerFixture: the fixture's hooks write their markers.
func TestHookerFixture(t *testing.T) {
	skipOnWindows(t)
	p, err := LoadDir(fixture(t, "hooker"))
	if err != nil {
		t.Fatal(err)
	}
	markers := t.TempDir()
	env := testEnv(nil)
	env.Inherit = append(env.Inherit, "KPKGTEST_MARKERS="+markers)
	for _, ev := range []string{HookInstall, HookUpdate, HookDelete} {
		if err := p.RunHook(context.Background(), ev, HookOptions{Env: env}); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(markers, "hooker-"+ev))
		if want := ev + " hooker " + p.Dir + "\n"; err != nil || string(got) != want {
			t.Errorf("marker %s = %q, %v; want %q", ev, got, err, want)
		}
	}
}
