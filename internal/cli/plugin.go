package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/helmenv"
	"github.com/kpkg/kpkg/pkg/plugin"
)

func newPluginCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plugin",
		Short: "manage Helm plugins: install, list, update, uninstall",
		Long: `Manage Helm v3 plugins. kpkg shares Helm's plugins directory ($HELM_PLUGINS,
else $HELM_DATA_HOME/plugins, else ~/.local/share/helm/plugins), so plugins
installed by either tool work in both; an installed plugin NAME runs as
"kpkg NAME".`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(
		newPluginInstallCommand(streams),
		newPluginListCommand(streams),
		newPluginUninstallCommand(streams),
		newPluginUpdateCommand(streams),
	)
	return cmd
}

// pluginHookOptions is how install, update and delete hooks run from the
// plugin commands: Helm's variables, output to the terminal.
func pluginHookOptions(cmd *cobra.Command, streams IO) plugin.HookOptions {
	return plugin.HookOptions{
		Env:    pluginEnv(envSettings(cmd)),
		Stdout: streams.Out,
		Stderr: streams.Err,
	}
}

// pluginEnv is the environment plugins run with: this process's, with
// Helm's variables over it (HELM_NAMESPACE resolved as Helm resolves it),
// so plugins that call $HELM_BIN call kpkg.
func pluginEnv(s helmenv.Settings) plugin.Env {
	s.Namespace = newKubeFlags(s).namespace()
	return plugin.Env{Vars: s.VarMap(), Inherit: os.Environ()}
}

func newPluginInstallCommand(streams IO) *cobra.Command {
	var version string
	cmd := &cobra.Command{
		Use:     "install PATH|URL",
		Aliases: []string{"add"},
		Short:   "install a Helm plugin from a directory, a .tgz URL or a git repository",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dirs := envSettings(cmd).PluginDirs()
			if len(dirs) == 0 {
				return errors.New("no plugins directory: HELM_PLUGINS is empty")
			}
			p, err := plugin.Install(cmd.Context(), args[0], plugin.InstallOptions{
				Dir:     dirs[0],
				Version: version,
				Hooks:   pluginHookOptions(cmd, streams),
			})
			if err != nil {
				return err
			}
			warnPlugin(streams.Err, cmd.Root(), p)
			fmt.Fprintf(streams.Out, "Installed plugin: %s\n", p.Name())
			return nil
		},
	}
	cmd.Flags().StringVar(&version, "version", "", "for a git repository: a tag, branch, commit or semver constraint to install (default: the default branch)")
	return cmd
}

// warnPlugin prints a plugin's metadata warnings and says when a built-in
// command hides it.
func warnPlugin(w io.Writer, root *cobra.Command, p *plugin.Plugin) {
	for _, msg := range p.Warnings {
		fmt.Fprintf(w, "WARNING: %s\n", msg)
	}
	if isBuiltinName(root, p.Name()) {
		fmt.Fprintf(w, "WARNING: plugin %q (%s) is hidden by kpkg's built-in %q command and cannot run as \"kpkg %s\"\n", p.Name(), p.Dir, p.Name(), p.Name())
	}
}

func newPluginListCommand(streams IO) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "show the installed Helm plugins",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			plugins, err := plugin.Find(envSettings(cmd).PluginDirs())
			if err != nil {
				return err
			}
			t := helmTable(0, "NAME", "VERSION", "DESCRIPTION")
			for _, p := range plugins {
				t.AddRow(p.Name(), p.Metadata.Version, p.Metadata.Description)
				warnPlugin(streams.Err, cmd.Root(), p)
			}
			return writeHelmTable(streams.Out, t)
		},
	}
}

func newPluginUninstallCommand(streams IO) *cobra.Command {
	return &cobra.Command{
		Use:               "uninstall NAME...",
		Aliases:           []string{"rm", "remove"},
		Short:             "remove one or more Helm plugins",
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: completePluginNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			return eachPlugin(cmd, args, func(p *plugin.Plugin) error {
				if err := plugin.Uninstall(cmd.Context(), p, pluginHookOptions(cmd, streams)); err != nil {
					return err
				}
				fmt.Fprintf(streams.Out, "Uninstalled plugin: %s\n", p.Name())
				return nil
			})
		},
	}
}

func newPluginUpdateCommand(streams IO) *cobra.Command {
	return &cobra.Command{
		Use:               "update NAME...",
		Aliases:           []string{"up"},
		Short:             "pull the latest version of Helm plugins installed from git repositories",
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: completePluginNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			return eachPlugin(cmd, args, func(p *plugin.Plugin) error {
				if _, err := plugin.Update(cmd.Context(), p, pluginHookOptions(cmd, streams)); err != nil {
					if errors.Is(err, plugin.ErrUnknownSource) {
						return fmt.Errorf("%w; to get a newer version, run 'kpkg plugin uninstall %s' and install it again", err, p.Name())
					}
					return err
				}
				fmt.Fprintf(streams.Out, "Updated plugin: %s\n", p.Name())
				return nil
			})
		},
	}
}

// eachPlugin applies fn to the installed plugins called names, going on
// after a failure as Helm does, and reports every failure at the end.
func eachPlugin(cmd *cobra.Command, names []string, fn func(*plugin.Plugin) error) error {
	plugins, err := plugin.Find(envSettings(cmd).PluginDirs())
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		p := plugin.Lookup(plugins, name)
		if p == nil {
			errs = append(errs, fmt.Errorf("plugin %q is not installed", name))
			continue
		}
		if err := fn(p); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// completePluginNames offers the installed plugins not yet on the line.
func completePluginNames(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	plugins, _ := plugin.Find(envSettings(cmd).PluginDirs())
	var out []string
	for _, p := range plugins {
		if !slices.Contains(args, p.Name()) {
			out = append(out, p.Name()+"\t"+p.Metadata.Usage)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
