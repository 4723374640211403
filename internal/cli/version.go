package cli

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

// version is set at link time with -X github.com/kpkg/kpkg/internal/cli.version=...
var version = "v0.1.0-dev"

type versionInfo struct {
	Version   string `json:"version"`
	GoVersion string `json:"go_version"`
}

func newVersionCommand(streams IO) *cobra.Command {
	var short bool
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the kpkg version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := versionInfo{Version: version, GoVersion: runtime.Version()}
			switch {
			case short:
				fmt.Fprintln(streams.Out, info.Version)
			case output == "json":
				enc := json.NewEncoder(streams.Out)
				return enc.Encode(info)
			default:
				fmt.Fprintf(streams.Out, "version.BuildInfo{Version:%q, GoVersion:%q}\n", info.Version, info.GoVersion)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&short, "short", false, "print the version number only")
	cmd.Flags().StringVarP(&output, "output", "o", "", "output format: json")
	return cmd
}
