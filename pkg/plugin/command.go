package plugin

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// cancelGrace is how long a plugin process gets after an interrupt, when
// the caller's context ends, before it is killed.
const cancelGrace = 10 * time.Second

// selectCommand picks the entry for goos/goarch with Helm's precedence: an
// exact OS and Arch match wins at once; otherwise the first entry with the
// OS and no Arch; otherwise the first entry with neither. An entry with an
// Arch matches only together with its OS. Case is ignored.
func selectCommand(cmds []PlatformCommand, goos, goarch string) (PlatformCommand, bool) {
	eq := strings.EqualFold
	var pick PlatformCommand
	found, foundOS := false, false
	for _, c := range cmds {
		if eq(c.OS, goos) && eq(c.Arch, goarch) {
			return c, true
		}
		if (c.OS != "" && !eq(c.OS, goos)) || c.Arch != "" {
			continue
		}
		if c.OS != "" && !foundOS {
			pick, found, foundOS = c, true, true
		} else if !found {
			pick, found = c, true
		}
	}
	return pick, found
}

// prepare turns the chosen entry into a program and arguments: Command is
// split on single spaces (as Helm splits it), its first word is always
// expanded, the other words and Args only when expandArgs; extra follows.
func prepare(cmds []PlatformCommand, env Env, lookup func(string) string, expandArgs bool, extra []string) (string, []string, error) {
	c, ok := selectCommand(cmds, env.goos(), env.goarch())
	words := strings.Split(c.Command, " ")
	if !ok || words[0] == "" {
		return "", nil, fmt.Errorf("%w for %s/%s", ErrNoCommand, env.goos(), env.goarch())
	}
	main := expand(words[0], lookup)
	args := make([]string, 0, len(words)-1+len(c.Args)+len(extra))
	for _, a := range append(words[1:], c.Args...) {
		if expandArgs {
			a = expand(a, lookup)
		}
		args = append(args, a)
	}
	return main, append(args, extra...), nil
}

// commands is the plugin's platformCommand list, or its single command.
func (p *Plugin) commands() []PlatformCommand {
	if len(p.Metadata.PlatformCommand) == 0 && p.Metadata.Command != "" {
		return []PlatformCommand{{Command: p.Metadata.Command}}
	}
	return p.Metadata.PlatformCommand
}

// Command builds the process that runs p for "kpkg NAME args...": the
// platform's command with $VARs expanded from the plugin environment, its
// args, then args (dropped entirely when ignoreFlags is set, as Helm does).
// Remove Helm's global flags from args first with SplitGlobalFlags. The
// caller sets Stdin, Stdout and Stderr. When ctx ends the process gets an
// interrupt, then is killed after a grace period.
func (p *Plugin) Command(ctx context.Context, args []string, env Env) (*exec.Cmd, error) {
	if p.Metadata.IgnoreFlags {
		args = nil
	}
	list, lookup := env.pluginEnv(p, nil)
	main, argv, err := prepare(p.commands(), env, lookup, true, args)
	if err != nil {
		return nil, fmt.Errorf("plugin %q: %w", p.Name(), err)
	}
	return newProcess(ctx, main, argv, list), nil
}

func newProcess(ctx context.Context, main string, argv, env []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, main, argv...)
	cmd.Env = env
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = cancelGrace
	return cmd
}

// globalValueFlags are Helm's global flags that take a value, stripped from
// a plugin's arguments together with that value (also as --flag=value).
// --kube-insecure-skip-tls-verify is listed as Helm lists it, so a
// following word is taken as its value there too.
var globalValueFlags = []string{
	"--kube-context", "--namespace", "-n", "--kubeconfig", "--kube-apiserver",
	"--kube-token", "--kube-as-user", "--kube-as-group", "--kube-ca-file",
	"--registry-config", "--repository-cache", "--repository-config",
	"--kube-insecure-skip-tls-verify", "--kube-tls-server-name",
}

// SplitGlobalFlags separates Helm's global flags from the arguments given
// after a plugin's name, as Helm does before running it: --debug and the
// flags in globalValueFlags (with their values) go to global, which the
// caller parses to fill Env; everything else stays, in order, for the
// plugin.
func SplitGlobalFlags(args []string) (global, rest []string) {
	global, rest = []string{}, []string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--debug":
			global = append(global, a)
		case isGlobalValueFlag(a):
			global = append(global, a)
			if i+1 < len(args) {
				i++
				global = append(global, args[i])
			}
		case hasGlobalValuePrefix(a):
			global = append(global, a)
		default:
			rest = append(rest, a)
		}
	}
	return global, rest
}

func isGlobalValueFlag(a string) bool { return slices.Contains(globalValueFlags, a) }

func hasGlobalValuePrefix(a string) bool {
	for _, f := range globalValueFlags {
		if strings.HasPrefix(a, f+"=") {
			return true
		}
	}
	return false
}
