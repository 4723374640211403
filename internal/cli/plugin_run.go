package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/helmenv"
	"github.com/kpkg/kpkg/pkg/plugin"
)

// addPluginCommands adds a command for every installed plugin, so "kpkg
// NAME args..." runs it, as Helm does at start-up. HELM_NO_PLUGINS=1 turns
// this off. A plugin named like a built-in command (or one of its aliases)
// is not added: the built-in keeps its name, as in Helm; "plugin list" and
// "plugin install" say so. Of two plugins with one name in different
// directories the first wins.
func addPluginCommands(root *cobra.Command, streams IO) {
	s := helmenv.New(os.Getenv)
	if s.NoPlugins {
		return
	}
	plugins, err := plugin.Find(s.PluginDirs())
	if err != nil {
		fmt.Fprintf(streams.Err, "WARNING: no plugins loaded: %v\n", err)
		return
	}
	for _, p := range plugins {
		if isBuiltinName(root, p.Name()) {
			continue
		}
		root.AddCommand(newPluginRunCommand(p, streams))
	}
}

// isBuiltinName reports whether name is taken by a command of root (or an
// alias of one), or by cobra's own help and completion commands.
func isBuiltinName(root *cobra.Command, name string) bool {
	switch name {
	case "help", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return true
	}
	for _, c := range root.Commands() {
		if _, isPlugin := c.Annotations[pluginDirAnnotation]; isPlugin {
			continue
		}
		if c.Name() == name || c.HasAlias(name) {
			return true
		}
	}
	return false
}

// pluginDirAnnotation marks the commands that run plugins.
const pluginDirAnnotation = "kpkg.plugin.dir"

func newPluginRunCommand(p *plugin.Plugin, streams IO) *cobra.Command {
	short := p.Metadata.Usage
	if short == "" {
		short = fmt.Sprintf("the %q plugin", p.Name())
	}
	return &cobra.Command{
		Use:                p.Name(),
		Short:              short,
		Long:               p.Metadata.Description,
		Annotations:        map[string]string{pluginDirAnnotation: p.Dir},
		DisableFlagParsing: true, // every argument goes to the plugin
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPlugin(cmd, p, args, streams)
		},
	}
}

// runPlugin runs p with args: Helm's global flags among them are taken out
// and fill the plugin's environment; the rest go to the plugin. The
// plugin's exit code becomes kpkg's.
func runPlugin(cmd *cobra.Command, p *plugin.Plugin, args []string, streams IO) error {
	global, rest := plugin.SplitGlobalFlags(args)
	settings, err := parsePluginGlobals(envSettings(cmd), global)
	if err != nil {
		return fmt.Errorf("plugin %q: %w", p.Name(), err)
	}
	proc, err := p.Command(cmd.Context(), rest, pluginEnv(settings))
	if err != nil {
		return err
	}
	proc.Stdin, proc.Stdout, proc.Stderr = streams.In, streams.Out, streams.Err
	err = proc.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code := exit.ExitCode()
		if code <= 0 {
			code = 1 // killed by a signal
		}
		return &ExitError{Code: code, Err: fmt.Errorf("plugin %q exited with error", p.Name())}
	}
	if err != nil {
		return fmt.Errorf("plugin %q: %w", p.Name(), err)
	}
	return nil
}

// parsePluginGlobals applies the global flags SplitGlobalFlags took out
// over s.
func parsePluginGlobals(s helmenv.Settings, global []string) (helmenv.Settings, error) {
	fs := pflag.NewFlagSet("global", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	bindGlobalFlags(fs, &s)
	return s, fs.Parse(global)
}
