// Package cli holds kpkg's cobra commands: one file per command, each parsing
// flags and calling a library package. Nothing here is imported by pkg/.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// IO bundles the streams a command reads and writes, so tests can run a fresh
// root command against buffers.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// ExitError carries a process exit code chosen by a command.
type ExitError struct {
	Code int
	Err  error
}

// Error is the message; an ExitError without one exits quietly.
func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit code %d", e.Code)
	}
	return e.Err.Error()
}
func (e *ExitError) Unwrap() error { return e.Err }

// NewRootCommand builds the whole command tree. It holds no global state.
func NewRootCommand(streams IO) *cobra.Command {
	root := &cobra.Command{
		Use:           "kpkg",
		Short:         "kpkg is a Helm-compatible package manager for Kubernetes",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			routeClientOutput(cmd, streams.Err)
		},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	addGlobalFlags(root)
	root.AddCommand(
		newVersionCommand(streams),
		newEnvCommand(streams),
		newCompletionCommand(streams),
		newTemplateCommand(streams),
		newRepoCommand(streams),
		newSearchCommand(streams),
		newPullCommand(streams),
		newPushCommand(streams),
		newRegistryCommand(streams),
		newDependencyCommand(streams),
		newPackageCommand(streams),
		newInstallCommand(streams),
		newUpgradeCommand(streams),
		newDiffCommand(streams),
		newRollbackCommand(streams),
		newUninstallCommand(streams),
		newHistoryCommand(streams),
		newStatusCommand(streams),
		newListCommand(streams),
		newGetCommand(streams),
		newTestCommand(streams),
		newLintCommand(streams),
		newShowCommand(streams),
		newCreateCommand(streams),
		newPluginCommand(streams),
		newVerifyCommand(streams),
	)
	addPluginCommands(root, streams)
	wireCompletions(root)
	return root
}

// Run executes kpkg with args and returns the process exit code. A panic
// (a bug) becomes one line asking for a report, not a goroutine dump.
func Run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) (code int) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintln(errOut, crashLine(v))
			code = 1
		}
	}()
	root := NewRootCommand(IO{In: in, Out: out, Err: errOut})
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var exit *ExitError
	if errors.As(err, &exit) && exit.Err == nil {
		return exit.Code
	}
	msg, code := explain(err)
	fmt.Fprintf(errOut, "Error: %s\n", msg)
	return code
}

// reportURL is where bugs are reported.
const reportURL = "https://github.com/kpkg/kpkg/issues"

// crashLine is what kpkg prints for a panic: what broke, on one line, and
// the request to report it.
func crashLine(v any) string {
	msg := strings.Join(strings.Fields(fmt.Sprint(v)), " ")
	if len(msg) > 200 {
		msg = msg[:197] + "..."
	}
	return fmt.Sprintf("Error: kpkg crashed (%s). This is a bug in kpkg: please report it at %s with the command you ran and kpkg version.", msg, reportURL)
}
