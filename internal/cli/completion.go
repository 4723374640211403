package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// completionBinary is the name kpkg was run as; a completion script
// generated under another name (a "helm" symlink) also hooks that name.
func completionBinary() string { return filepath.Base(os.Args[0]) }

func newCompletionCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion",
		Short: "generate autocompletion scripts for the specified shell",
		Long: `Generate the autocompletion script for kpkg for the specified shell, as
'helm completion' does. With "alias helm=kpkg", hook the alias too: in bash
"complete -o default -F __start_kpkg helm", in zsh "compdef _kpkg helm".`,
		Args: cobra.NoArgs,
	}
	shells := []struct {
		name, load string
		gen        func(root *cobra.Command, w io.Writer, desc bool) error
	}{
		{"bash", "source <(kpkg completion bash)", genBash},
		{"zsh", "source <(kpkg completion zsh)", genZsh},
		{"fish", "kpkg completion fish | source", func(root *cobra.Command, w io.Writer, desc bool) error {
			return root.GenFishCompletion(w, desc)
		}},
		{"powershell", "kpkg completion powershell | Out-String | Invoke-Expression", func(root *cobra.Command, w io.Writer, desc bool) error {
			if desc {
				return root.GenPowerShellCompletionWithDesc(w)
			}
			return root.GenPowerShellCompletion(w)
		}},
	}
	for _, sh := range shells {
		var noDesc bool
		sub := &cobra.Command{
			Use:               sh.name,
			Short:             "generate autocompletion script for " + sh.name,
			Long:              fmt.Sprintf("Generate the autocompletion script for kpkg for %s. To load it in the current session:\n\n    %s\n", sh.name, sh.load),
			Args:              cobra.NoArgs,
			ValidArgsFunction: noMoreArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return sh.gen(cmd.Root(), streams.Out, !noDesc)
			},
		}
		sub.Flags().BoolVar(&noDesc, "no-descriptions", false, "disable completion descriptions")
		cmd.AddCommand(sub)
	}
	return cmd
}

// genBash writes cobra's bash script and, when kpkg runs under another
// name, hooks that name to the same function, as Helm does for a renamed
// helm binary.
func genBash(root *cobra.Command, w io.Writer, desc bool) error {
	if err := root.GenBashCompletionV2(w, desc); err != nil {
		return err
	}
	if bin := completionBinary(); bin != root.Name() {
		_, err := fmt.Fprintf(w, `
# Hook the name kpkg was run as to kpkg's completion function
if [[ $(type -t compopt) = "builtin" ]]; then
    complete -o default -F __start_%[2]s %[1]s
else
    complete -o default -o nospace -F __start_%[2]s %[1]s
fi
`, bin, root.Name())
		return err
	}
	return nil
}

// genZsh writes cobra's zsh script, then registers it with compdef, as
// Helm's does (cobra's script only does when it is autoloaded).
func genZsh(root *cobra.Command, w io.Writer, desc bool) error {
	var err error
	if desc {
		err = root.GenZshCompletion(w)
	} else {
		err = root.GenZshCompletionNoDesc(w)
	}
	if err != nil {
		return err
	}
	if bin := completionBinary(); bin != root.Name() {
		fmt.Fprintf(w, "\n# Hook the name kpkg was run as to kpkg's completion function\ncompdef _%s %s\n", root.Name(), bin)
	}
	_, err = fmt.Fprintf(w, "compdef _%[1]s %[1]s", root.Name())
	return err
}
