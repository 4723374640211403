package plugin

import (
	"context"
	"errors"
	"io"

	"github.com/kpkg/kpkg/pkg/internal/boundedio"
)

// hookStderrTail is how much stderr a failed hook's error keeps when the
// caller passes no stderr writer.
const hookStderrTail = 8 << 10

// HookOptions says how hooks run.
type HookOptions struct {
	// Env is the plugin environment.
	Env Env
	// Stdout and Stderr receive the hook's output; nil discards stdout and
	// keeps the end of stderr for the error.
	Stdout, Stderr io.Writer
}

// hookCommands is what runs for event: the platformHooks entries, else the
// hooks line run by "sh -c" (not expanded here: the shell expands it).
func (p *Plugin) hookCommands(event string) ([]PlatformCommand, bool) {
	if cmds := p.Metadata.PlatformHooks[event]; len(cmds) > 0 {
		return cmds, true
	}
	if line := p.Metadata.Hooks[event]; line != "" {
		return []PlatformCommand{{Command: "sh", Args: []string{"-c", line}}}, false
	}
	return nil, false
}

// RunHook runs p's hook for event (HookInstall, HookUpdate or HookDelete) with the
// plugin environment. A plugin without a hook for the event, or without one
// for this platform, succeeds without running anything, as in Helm.
func (p *Plugin) RunHook(ctx context.Context, event string, opts HookOptions) error {
	cmds, expandArgs := p.hookCommands(event)
	if len(cmds) == 0 {
		return nil
	}
	list, lookup := opts.Env.pluginEnv(p, nil)
	main, argv, err := prepare(cmds, opts.Env, lookup, expandArgs, nil)
	if errors.Is(err, ErrNoCommand) {
		return nil
	}
	cmd := newProcess(ctx, main, argv, list)
	cmd.Stdout = opts.Stdout
	tail := &boundedio.Tail{Max: hookStderrTail}
	cmd.Stderr = tail
	if opts.Stderr != nil {
		cmd.Stderr = opts.Stderr
	}
	if err := cmd.Run(); err != nil {
		return &ExecError{Plugin: p.Name(), What: event + " hook", Stderr: tail.String(), Err: err}
	}
	return nil
}
