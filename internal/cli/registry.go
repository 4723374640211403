package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

func newRegistryCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "registry",
		Short: "login to or logout from a registry",
		Long: `Manage credentials for OCI registries. They are stored in Helm's
registry config ($HELM_REGISTRY_CONFIG, by default
~/.config/helm/registry/config.json), so a 'helm registry login' serves kpkg
too, with Docker's conventions (a credsStore or credHelpers entry sends them
to a credential helper); ~/.docker/config.json is read as a fallback.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newRegistryLoginCommand(streams), newRegistryLogoutCommand(streams))
	return cmd
}

func newRegistryLoginCommand(streams IO) *cobra.Command {
	var tls tlsFlags
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "login [host]",
		Short: "login to a registry",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			password := tls.password
			if passwordStdin {
				p, err := readPasswordLine(streams.In)
				if err != nil {
					return err
				}
				password = p
			}
			if tls.username == "" || password == "" {
				return errors.New("username and password are required (--username with --password or --password-stdin)")
			}
			auth := tls.auth()
			auth.Username, auth.Password = "", ""
			reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: auth, CredentialsFile: repoPaths(cmd).RegistryConfig})
			if err != nil {
				return err
			}
			if err := reg.Login(cmd.Context(), args[0], tls.username, password); err != nil {
				return err
			}
			fmt.Fprintln(streams.Out, "Login Succeeded")
			return nil
		},
	}
	fs := cmd.Flags()
	tls.registerCredentials(fs, "u", "p")
	tls.registerTLS(fs)
	fs.BoolVar(&passwordStdin, "password-stdin", false, "read password or identity token from stdin")
	fs.BoolVar(&tls.insecureSkipTLSVerify, "insecure", false, "allow connections to TLS registry without certs")
	_ = fs.MarkHidden("pass-credentials")
	return cmd
}

func newRegistryLogoutCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "logout [host]",
		Short: "logout from a registry",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := repo.NewRegistry(repo.RegistryOptions{CredentialsFile: repoPaths(cmd).RegistryConfig})
			if err != nil {
				return err
			}
			fmt.Fprintf(streams.Err, "Removing login credentials for %s\n", args[0])
			return reg.Logout(cmd.Context(), args[0])
		},
	}
	return cmd
}
