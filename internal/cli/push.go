package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

func newPushCommand(streams IO) *cobra.Command {
	var tls tlsFlags
	cmd := &cobra.Command{
		Use:   "push [chart] [remote]",
		Short: "push a chart to remote",
		Long: `Upload a chart archive to an OCI registry as oci://REMOTE/<name>:<version>,
with Helm's media types so that Helm and kpkg can pull it. Credentials come
from 'kpkg registry login', Docker's config, or --username/--password.
SOURCE_DATE_EPOCH, when set, dates the manifest so that its digest is
reproducible.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("read chart archive: %w", err)
			}
			reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: tls.auth(), CredentialsFile: repoPaths(cmd).RegistryConfig})
			if err != nil {
				return err
			}
			created, err := sourceDateEpoch()
			if err != nil {
				return err
			}
			prov, err := readProvBeside(args[0])
			if err != nil {
				return err
			}
			res, err := reg.Push(cmd.Context(), data, args[1], repo.PushOptions{Created: created, Prov: prov})
			if err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "Pushed: %s\nDigest: %s\n", res.Ref, res.ManifestDigest)
			return nil
		},
	}
	fs := cmd.Flags()
	tls.register(fs)
	_ = fs.MarkHidden("pass-credentials")
	return cmd
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH (seconds since 1970), the
// reproducible-builds convention for dating artefacts; zero when unset.
func sourceDateEpoch() (time.Time, error) {
	v := strings.TrimSpace(os.Getenv("SOURCE_DATE_EPOCH"))
	if v == "" {
		return time.Time{}, nil
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds: %w", v, err)
	}
	return time.Unix(secs, 0).UTC(), nil
}
