package plugin

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	helmplugin "helm.sh/helm/v3/pkg/plugin"
)

func TestSelectCommand(t *testing.T) {
	pc := func(os, arch, cmd string) PlatformCommand { return PlatformCommand{OS: os, Arch: arch, Command: cmd} }
	tests := []struct {
		name string
		cmds []PlatformCommand
		want string // chosen Command; empty means none
	}{
		{"empty", nil, ""},
		{"exact match wins over earlier", []PlatformCommand{pc("", "", "any"), pc("linux", "", "os"), pc("linux", "amd64", "exact")}, "exact"},
		{"exact match is case-insensitive", []PlatformCommand{pc("Linux", "AMD64", "exact")}, "exact"},
		{"os match over any", []PlatformCommand{pc("", "", "any"), pc("linux", "", "os")}, "os"},
		{"first os match", []PlatformCommand{pc("linux", "", "os1"), pc("linux", "", "os2")}, "os1"},
		{"first any", []PlatformCommand{pc("", "", "any1"), pc("", "", "any2")}, "any1"},
		{"arch alone never matches", []PlatformCommand{pc("", "amd64", "arch")}, ""},
		{"os with other arch skipped", []PlatformCommand{pc("linux", "arm64", "arm"), pc("", "", "any")}, "any"},
		{"other os skipped", []PlatformCommand{pc("windows", "", "win")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := selectCommand(tt.cmds, "linux", "amd64")
			if got := map[bool]string{true: c.Command}[ok]; got != tt.want {
				t.Errorf("selected %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPrepareMatchesHelm compares program and arguments with Helm's
// PrepareCommands on this platform, including $VAR expansion.
func TestPrepareMatchesHelm(t *testing.T) {
	vars := map[string]string{"HELM_PLUGIN_DIR": "/plugins/x", "HELM_BIN": "/usr/bin/kpkg", "HELM_NAMESPACE": "ns"}
	for k, v := range vars {
		t.Setenv(k, v)
	}
	t.Setenv("HELM_PLUGIN_NAME", "x")
	goos, goarch := runtime.GOOS, runtime.GOARCH
	cases := [][]PlatformCommand{
		{{Command: "$HELM_PLUGIN_DIR/run.sh --ns=$HELM_NAMESPACE", Args: []string{"${HELM_BIN}", "$UNSET_VAR_X"}}},
		{{OS: "plan9", Command: "no"}, {OS: goos, Command: "os $HELM_PLUGIN_NAME"}, {OS: goos, Arch: goarch, Command: "exact", Args: []string{"a"}}},
		{{OS: goos, Arch: "other", Command: "no"}, {Command: "any  two-spaces"}},
		{{OS: "plan9", Command: "no"}},
		{{Command: ""}},
	}
	for i, cmds := range cases {
		env := Env{Vars: vars}
		p := &Plugin{Metadata: Metadata{Name: "x"}, Dir: "/plugins/x"}
		_, lookup := env.pluginEnv(p, nil)
		for _, expandArgs := range []bool{true, false} {
			main, args, err := prepare(cmds, env, lookup, expandArgs, []string{"extra"})
			hcmds := make([]helmplugin.PlatformCommand, len(cmds))
			for j, c := range cmds {
				hcmds[j] = helmplugin.PlatformCommand{OperatingSystem: c.OS, Architecture: c.Arch, Command: c.Command, Args: c.Args}
			}
			hmain, hargs, herr := helmplugin.PrepareCommands(hcmds, expandArgs, []string{"extra"})
			if (err == nil) != (herr == nil) || main != hmain || !reflect.DeepEqual(args, hargs) {
				t.Errorf("case %d expand=%v: kpkg %q %q %v; Helm %q %q %v", i, expandArgs, main, args, err, hmain, hargs, herr)
			}
			if err != nil && !errors.Is(err, ErrNoCommand) {
				t.Errorf("case %d: err = %v, want ErrNoCommand", i, err)
			}
		}
	}
}

// TestSplitGlobalFlags uses the arguments of Helm's own test for the same
// split.
func TestSplitGlobalFlags(t *testing.T) {
	in := []string{"--debug", "--foo", "bar", "--kubeconfig=/home/foo", "--kubeconfig", "/home/foo",
		"--kube-context=test1", "--kube-context", "test1", "--kube-as-user", "pikachu",
		"--kube-as-group", "teatime", "--kube-as-group", "admins", "-n=test2", "-n", "test2",
		"--namespace=test2", "--namespace", "test2", "--home=/tmp", "command", "--kube-insecure-skip-tls-verify", "eaten", "-n"}
	wantGlobal := []string{"--debug", "--kubeconfig=/home/foo", "--kubeconfig", "/home/foo",
		"--kube-context=test1", "--kube-context", "test1", "--kube-as-user", "pikachu",
		"--kube-as-group", "teatime", "--kube-as-group", "admins", "-n=test2", "-n", "test2",
		"--namespace=test2", "--namespace", "test2", "--kube-insecure-skip-tls-verify", "eaten", "-n"}
	wantRest := []string{"--foo", "bar", "--home=/tmp", "command"}
	global, rest := SplitGlobalFlags(in)
	if !reflect.DeepEqual(global, wantGlobal) || !reflect.DeepEqual(rest, wantRest) {
		t.Errorf("global %q\nrest %q", global, rest)
	}
	if g, r := SplitGlobalFlags(nil); g == nil || r == nil || len(g)+len(r) != 0 {
		t.Errorf("SplitGlobalFlags(nil) = %q, %q", g, r)
	}
}

func TestCommand(t *testing.T) {
	p := &Plugin{Metadata: Metadata{Name: "x", Command: "$HELM_PLUGIN_DIR/run --a"}, Dir: "/p/x"}
	cmd, err := p.Command(context.Background(), []string{"u1", "--u2"}, Env{Vars: map[string]string{"HELM_BIN": "kpkg"}})
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Path != "/p/x/run" || !reflect.DeepEqual(cmd.Args, []string{"/p/x/run", "--a", "u1", "--u2"}) {
		t.Errorf("cmd = %q %q", cmd.Path, cmd.Args)
	}
	wantEnv := []string{"HELM_BIN=kpkg", "HELM_PLUGIN_NAME=x", "HELM_PLUGIN_DIR=/p/x"}
	if !reflect.DeepEqual(cmd.Env, wantEnv) {
		t.Errorf("env = %q, want %q", cmd.Env, wantEnv)
	}
	p.Metadata.IgnoreFlags = true
	cmd, _ = p.Command(context.Background(), []string{"u1"}, Env{})
	if !reflect.DeepEqual(cmd.Args, []string{"/p/x/run", "--a"}) {
		t.Errorf("ignoreFlags: args = %q, want the user's arguments dropped", cmd.Args)
	}
	p.Metadata = Metadata{Name: "x", PlatformCommand: []PlatformCommand{{OS: "plan9", Command: "x"}}}
	if _, err := p.Command(context.Background(), nil, Env{}); !errors.Is(err, ErrNoCommand) || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("err = %v, want ErrNoCommand naming the plugin", err)
	}
	// Env.OS/Arch choose the platform.
	p.Metadata.PlatformCommand = append(p.Metadata.PlatformCommand, PlatformCommand{OS: "linux", Command: "lin"})
	if cmd, err := p.Command(context.Background(), nil, Env{OS: "plan9", Arch: "386"}); err != nil || filepath.Base(cmd.Path) != "x" {
		t.Errorf("plan9 command = %v, %v", cmd, err)
	}
}

// TestEnvOverrides: Vars override Inherit, and the plugin's own name and
// directory override both.
func TestEnvOverrides(t *testing.T) {
	env := Env{
		Inherit: []string{"A=inherited", "HELM_PLUGIN_DIR=stale", "B=keep", "malformed"},
		Vars:    map[string]string{"A": "var", "HELM_NAMESPACE": "ns"},
	}
	list, lookup := env.pluginEnv(&Plugin{Metadata: Metadata{Name: "n"}, Dir: "/d"}, map[string]string{"X": "y"})
	want := []string{"A=var", "HELM_PLUGIN_DIR=/d", "B=keep", "HELM_NAMESPACE=ns", "HELM_PLUGIN_NAME=n", "X=y"}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("env = %q, want %q", list, want)
	}
	if lookup("A") != "var" || lookup("missing") != "" {
		t.Error("lookup does not follow the list")
	}
}

// TestRunEnvPrinter runs the envprinter fixture the way "kpkg envprinter"
// does and checks the arguments and environment it sees.
func TestRunEnvPrinter(t *testing.T) {
	skipOnWindows(t)
	p, err := LoadDir(fixture(t, "envprinter"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest := SplitGlobalFlags([]string{"-n", "ns1", "a b", "--flag"})
	cmd, err := p.Command(context.Background(), rest, testEnv(map[string]string{"HELM_NAMESPACE": "ns1", "HELM_BIN": "/bin/kpkg"}))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	want := "arg: --plugin=envprinter\narg: a b\narg: --flag\nHELM_BIN=/bin/kpkg\nHELM_NAMESPACE=ns1\n" +
		"HELM_PLUGIN_DIR=" + p.Dir + "\nHELM_PLUGIN_NAME=envprinter\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
