package plugin

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	helmplugin "helm.sh/helm/v3/pkg/plugin"
)

var loadCases = []struct {
	name    string
	yaml    string
	wantErr string // substring; empty means it loads
	field   string // LoadError.Field
}{
	{name: "minimal", yaml: "name: a\n"},
	{name: "full", yaml: `name: full_Name-1
version: 1.2.3
usage: "one\tline\x07"
description: long
command: "$HELM_PLUGIN_DIR/run.sh --flag"
platformCommand:
  - os: linux
    arch: amd64
    command: bin/run
    args: [a, "$HELM_BIN"]
ignoreFlags: true
hooks:
  install: echo hi
platformHooks:
  update:
    - os: darwin
      command: sh
      args: [-c, "echo up"]
downloaders:
  - command: bin/get
    protocols: [s3, gs]
useTunnel: true
`},
	{name: "numeric version", yaml: "name: a\nversion: 1.0\n"},
	{name: "case-insensitive keys", yaml: "Name: a\nVERSION: \"2\"\n"},
	{name: "empty file", yaml: "", wantErr: "not a valid plugin name", field: "name"},
	{name: "no name", yaml: "version: 1.0.0\n", wantErr: "not a valid plugin name", field: "name"},
	{name: "bad name", yaml: "name: my plugin\n", wantErr: `"my plugin" is not a valid plugin name`, field: "name"},
	{name: "dotted name", yaml: "name: a.b\n", wantErr: "not a valid plugin name", field: "name"},
	{name: "unicode name", yaml: "name: plügin\n", wantErr: "not a valid plugin name", field: "name"},
	{name: "unknown field", yaml: "name: a\ncommands: x\n", wantErr: `unknown field "commands"`},
	{name: "wrong type", yaml: "name: a\nplatformCommand: run\n", wantErr: "platformCommand"},
	{name: "bad yaml", yaml: "name: [a\n", wantErr: "yaml"},
	{name: "duplicate key", yaml: "name: a\nname: b\n", wantErr: "name"},
	{name: "helm v4 format", yaml: "apiVersion: v1\nname: a\ntype: cli/v1\nruntime: subprocess\n", wantErr: `unknown field "apiVersion"`},
}

// TestLoadDir checks acceptance, errors naming the file and field, and
// that Helm v3's own loader agrees on every case.
func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range loadCases {
		t.Run(tt.name, func(t *testing.T) {
			pd := writePlugin(t, dir, strings.ReplaceAll(tt.name, " ", "-"), tt.yaml, nil)
			p, err := LoadDir(pd)
			hp, herr := helmplugin.LoadDir(pd)
			if (err == nil) != (herr == nil) {
				t.Errorf("kpkg err %v, Helm err %v: they must agree", err, herr)
			}
			if tt.wantErr != "" {
				var le *LoadError
				if !errors.As(err, &le) || !strings.Contains(err.Error(), tt.wantErr) || le.Field != tt.field {
					t.Fatalf("err = %v; want a LoadError (field %q) mentioning %q", err, tt.field, tt.wantErr)
				}
				if !strings.Contains(err.Error(), filepath.Join(pd, FileName)) {
					t.Errorf("error %q does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			compareWithHelm(t, p, hp)
		})
	}
}

// compareWithHelm checks that kpkg read the same metadata as Helm.
func compareWithHelm(t *testing.T, p *Plugin, hp *helmplugin.Plugin) {
	t.Helper()
	h := hp.Metadata
	got := []any{p.Metadata.Name, p.Metadata.Version, p.Metadata.Usage, p.Metadata.Description, p.Metadata.Command, p.Metadata.IgnoreFlags, p.Dir}
	want := []any{h.Name, h.Version, h.Usage, h.Description, h.Command, h.IgnoreFlags, hp.Dir}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("metadata %q, Helm %q", got, want)
	}
	if len(p.Metadata.PlatformCommand) != len(h.PlatformCommand) || len(p.Metadata.Downloaders) != len(h.Downloaders) {
		t.Fatalf("platformCommand/downloaders differ: %+v vs Helm %+v", p.Metadata, h)
	}
	for i, c := range p.Metadata.PlatformCommand {
		hc := h.PlatformCommand[i]
		if c.OS != hc.OperatingSystem || c.Arch != hc.Architecture || c.Command != hc.Command || !reflect.DeepEqual(c.Args, hc.Args) {
			t.Errorf("platformCommand[%d] = %+v, Helm %+v", i, c, hc)
		}
	}
	for i, d := range p.Metadata.Downloaders {
		if d.Command != h.Downloaders[i].Command || !reflect.DeepEqual(d.Protocols, h.Downloaders[i].Protocols) {
			t.Errorf("downloaders[%d] = %+v, Helm %+v", i, d, h.Downloaders[i])
		}
	}
	if !reflect.DeepEqual(map[string]string(p.Metadata.Hooks), map[string]string(h.Hooks)) {
		t.Errorf("hooks = %v, Helm %v", p.Metadata.Hooks, h.Hooks)
	}
	if len(p.Metadata.PlatformHooks) != len(h.PlatformHooks) {
		t.Errorf("platformHooks = %v, Helm %v", p.Metadata.PlatformHooks, h.PlatformHooks)
	}
}

func TestLoadDirWarnings(t *testing.T) {
	pd := writePlugin(t, t.TempDir(), "both", "name: both\ncommand: a\nplatformCommand: [{command: b}]\nhooks: {install: x}\nplatformHooks: {install: [{command: y}]}\n", nil)
	p, err := LoadDir(pd)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 2 || !strings.Contains(p.Warnings[0], "platformCommand and command") || !strings.Contains(p.Warnings[1], "platformHooks and hooks") {
		t.Errorf("warnings = %q", p.Warnings)
	}
}

func TestLoadDirMissing(t *testing.T) {
	_, err := LoadDir(t.TempDir())
	if !errors.Is(err, ErrNotPlugin) {
		t.Errorf("err = %v, want ErrNotPlugin", err)
	}
	big := writePlugin(t, t.TempDir(), "big", "name: big\ndescription: "+strings.Repeat("x", maxMetadataSize)+"\n", nil)
	if _, err := LoadDir(big); err == nil || !strings.Contains(err.Error(), "more than the") {
		t.Errorf("oversized plugin.yaml: err = %v", err)
	}
}

// TestFixturesLoad: the fixtures load, in kpkg and in Helm alike.
func TestFixturesLoad(t *testing.T) {
	entries, err := os.ReadDir(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		pd := filepath.Join(fixtures, e.Name())
		p, err := LoadDir(pd)
		if err != nil {
			t.Fatal(err)
		}
		hp, err := helmplugin.LoadDir(pd)
		if err != nil {
			t.Fatal(err)
		}
		compareWithHelm(t, p, hp)
		if p.Name() != e.Name() {
			t.Errorf("fixture %s is named %q; keep directory and name equal", e.Name(), p.Name())
		}
		n++
	}
	if n != 3 {
		t.Errorf("found %d fixtures, want 3", n)
	}
}
