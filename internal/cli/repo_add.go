package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

type repoAddFlags struct {
	tlsFlags
	passwordStdin bool
	forceUpdate   bool
	// noUpdate is accepted and ignored, as in Helm 3 (it once turned off
	// forced updates, which --force-update now asks for).
	noUpdate             bool
	allowDeprecatedRepos bool
	timeout              time.Duration
}

// deletedRepos are the hosts of the official repositories that were
// permanently deleted, and where their charts moved.
var deletedRepos = map[string]string{
	"//kubernetes-charts.storage.googleapis.com":           "https://charts.helm.sh/stable",
	"//kubernetes-charts-incubator.storage.googleapis.com": "https://charts.helm.sh/incubator",
}

func newRepoAddCommand(streams IO) *cobra.Command {
	f := &repoAddFlags{}
	cmd := &cobra.Command{
		Use:   "add [NAME] [URL]",
		Short: "add a chart repository",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !f.allowDeprecatedRepos {
				for old, moved := range deletedRepos {
					if strings.Contains(args[1], old) {
						return fmt.Errorf("repo %q is no longer available; try %q instead", args[1], moved)
					}
				}
			}
			password := f.password
			if f.passwordStdin {
				if f.username == "" {
					return errors.New("--password-stdin needs --username")
				}
				p, err := readPasswordLine(streams.In)
				if err != nil {
					return err
				}
				password = p
			}
			e := repo.Entry{
				Name: args[0], URL: strings.TrimSuffix(args[1], "/"),
				Username: f.username, Password: password,
				CertFile: f.certFile, KeyFile: f.keyFile, CAFile: f.caFile,
				InsecureSkipTLSVerify: f.insecureSkipTLSVerify, PassCredentialsAll: f.passCredentials,
			}
			err := repo.AddRepo(cmd.Context(), repoPaths(cmd), e, repo.AddOptions{ForceUpdate: f.forceUpdate, Timeout: f.timeout, Downloaders: repoDownloaders(cmd)})
			if errors.Is(err, repo.ErrRepoExistsSame) {
				fmt.Fprintf(streams.Out, "%q already exists with the same configuration, skipping\n", e.Name)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "%q has been added to your repositories\n", e.Name)
			return nil
		},
	}
	fs := cmd.Flags()
	f.tlsFlags.register(fs)
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read chart repository password from stdin")
	fs.BoolVar(&f.forceUpdate, "force-update", false, "replace (overwrite) the repo if it already exists")
	fs.BoolVar(&f.noUpdate, "no-update", false, "Ignored. Formerly, it would disabled forced updates. It is deprecated by force-update.")
	fs.BoolVar(&f.allowDeprecatedRepos, "allow-deprecated-repos", false, "by default, this command will not allow adding official repos that have been permanently deleted. This disables that behavior")
	fs.DurationVar(&f.timeout, "timeout", repo.DefaultTimeout, "time to wait for the index file download to complete")
	_ = fs.MarkHidden("plain-http")
	return cmd
}

// readPasswordLine reads one line from r without its line ending.
func readPasswordLine(r io.Reader) (string, error) {
	if r == nil {
		return "", errors.New("--password-stdin: no standard input")
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
