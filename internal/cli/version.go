package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Build information, set at link time with
// -X github.com/kpkg/kpkg/internal/cli.version=... (and gitCommit,
// gitTreeState). The commit and tree state default to what the Go
// toolchain recorded when it built from a git checkout.
var (
	version      = "v0.1.0-dev"
	gitCommit    = ""
	gitTreeState = ""
)

// buildInfo has the fields of Helm's version.BuildInfo, so --template and
// -o json work as with Helm.
type buildInfo struct {
	Version      string `json:"version,omitempty"`
	GitCommit    string `json:"git_commit,omitempty"`
	GitTreeState string `json:"git_tree_state,omitempty"`
	GoVersion    string `json:"go_version,omitempty"`
}

func currentBuildInfo() buildInfo {
	b := buildInfo{Version: version, GitCommit: gitCommit, GitTreeState: gitTreeState, GoVersion: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok && b.GitCommit == "" {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				b.GitCommit = s.Value
			case "vcs.modified":
				if b.GitTreeState == "" {
					b.GitTreeState = map[string]string{"true": "dirty", "false": "clean"}[s.Value]
				}
			}
		}
	}
	return b
}

// String is Helm's long form: version.BuildInfo{Version:"...", ...}.
func (b buildInfo) String() string {
	return fmt.Sprintf("version.BuildInfo{Version:%q, GitCommit:%q, GitTreeState:%q, GoVersion:%q}", b.Version, b.GitCommit, b.GitTreeState, b.GoVersion)
}

// short is Helm's --short: the version, plus "+g" and seven characters of
// the commit when known.
func (b buildInfo) short() string {
	if len(b.GitCommit) >= 7 {
		return b.Version + "+g" + b.GitCommit[:7]
	}
	return b.Version
}

func newVersionCommand(streams IO) *cobra.Command {
	var short bool
	var tmpl string
	var output outputFormat
	cmd := &cobra.Command{
		Use:   "version",
		Short: "print the client version information",
		Long: `Print kpkg's version in Helm's format:

version.BuildInfo{Version:"v0.1.0", GitCommit:"...", GitTreeState:"clean", GoVersion:"go1.26.8"}

--short prints the version alone (with "+g" and the commit's first seven
characters when known); --template formats the fields .Version,
.GitCommit, .GitTreeState and .GoVersion with a Go template, e.g.
--template='Version: {{.Version}}'. -o json or yaml (kpkg only) prints
them as data.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := currentBuildInfo()
			if tmpl != "" {
				return executeTemplate(streams.Out, tmpl, info)
			}
			if short {
				_, err := fmt.Fprintln(streams.Out, info.short())
				return err
			}
			return output.write(streams.Out, info, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, info)
				return err
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&short, "short", false, "print the version number")
	fs.StringVar(&tmpl, "template", "", "template for version string format")
	fs.BoolP("client", "c", true, "display client version information")
	_ = fs.MarkHidden("client")
	addOutputFlag(fs, &output)
	return cmd
}
