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
	repoPathFlags
	tlsFlags
	passwordStdin bool
	forceUpdate   bool
	timeout       time.Duration
}

func newRepoAddCommand(streams IO) *cobra.Command {
	f := &repoAddFlags{}
	cmd := &cobra.Command{
		Use:   "add [NAME] [URL]",
		Short: "add a chart repository",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
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
			err := repo.AddRepo(cmd.Context(), f.paths(), e, repo.AddOptions{ForceUpdate: f.forceUpdate, Timeout: f.timeout})
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
	f.repoPathFlags.register(fs)
	f.tlsFlags.register(fs)
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read chart repository password from stdin")
	fs.BoolVar(&f.forceUpdate, "force-update", false, "replace (overwrite) the repo if it already exists")
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
