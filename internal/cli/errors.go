package cli

import (
	"errors"
	"fmt"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/provenance"
	"github.com/kpkg/kpkg/pkg/release"
	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/values"
)

// explain turns an error from the libraries into the line kpkg prints and
// the exit code: the libraries state the facts, and this is the one place
// that says which kpkg command or flag to use next.
func explain(err error) (string, int) {
	code := 1
	var exit *ExitError
	if errors.As(err, &exit) {
		code = exit.Code
	}
	msg := err.Error()
	if h := hint(err); h != "" {
		msg += "; " + h
	}
	return msg, code
}

// hint is the "what to do next" for the first typed error in err's chain
// that has one.
func hint(err error) string {
	for _, h := range hints {
		if s := h(err); s != "" {
			return s
		}
	}
	return ""
}

// hints are tried in order; each answers "" for errors it does not know.
var hints = []func(error) string{
	func(err error) string {
		var e *kube.ConflictError
		return ifAs(err, &e, "change the chart to leave these fields alone, or pass --force-conflicts to take them")
	},
	func(err error) string {
		var e *kube.OwnershipError
		if !errors.As(err, &e) {
			return ""
		}
		if e.Current.Name == "" {
			return fmt.Sprintf("delete it, or pass --take-ownership to adopt it into release %s", e.Wanted)
		}
		return fmt.Sprintf("uninstall %q or pass --take-ownership to move it", e.Current.Name)
	},
	func(err error) string {
		var e *kube.TimeoutError
		return ifAs(err, &e, "raise --timeout, or inspect them with 'kubectl describe'")
	},
	func(err error) string {
		var e *kube.ConfigError
		return ifAs(err, &e, "check --kubeconfig, --kube-context and KUBECONFIG")
	},
	func(err error) string {
		var e *chart.LimitError
		if errors.As(err, &e) {
			return fmt.Sprintf("if you trust the chart, raise the limit with the environment variable %s", e.Env)
		}
		return ""
	},
	func(err error) string {
		var e *chart.MissingDependenciesError
		return ifAs(err, &e, "run 'kpkg dependency build'")
	},
	func(err error) string {
		var e *release.RevisionNotFoundError
		if errors.As(err, &e) {
			return fmt.Sprintf("see 'kpkg history %s'", e.Name)
		}
		return ""
	},
	func(err error) string {
		var e *release.NameInUseError
		return ifAs(err, &e, "use 'kpkg upgrade' or choose another name")
	},
	func(err error) string {
		var e *release.NotDeployedError
		switch {
		case !errors.As(err, &e):
			return ""
		case e.Uninstalled:
			return "roll it back, or pass --install"
		}
		return "install it first, or pass --install"
	},
	func(err error) string {
		var e *release.AlreadyUninstalledError
		return ifAs(err, &e, "use 'kpkg rollback' to restore it, or 'kpkg uninstall' without --keep-history to purge it")
	},
	func(err error) string {
		var e *release.PendingError
		return ifAs(err, &e, "if nothing is operating on it any more, pass --recover-pending to mark it failed and go on")
	},
	func(err error) string {
		var e *release.NamespaceNotFoundError
		return ifAs(err, &e, "create it, or pass --create-namespace to install")
	},
	func(err error) string {
		if errors.Is(err, repo.ErrNoRepositories) {
			return "add one with 'kpkg repo add'"
		}
		return ""
	},
	func(err error) string {
		var e *repo.RepoNotFoundError
		return ifAs(err, &e, "see 'kpkg repo list'")
	},
	func(err error) string {
		var e *repo.NoCachedIndexError
		if errors.As(err, &e) {
			return fmt.Sprintf("try 'kpkg repo update %s'", e.Repo)
		}
		return ""
	},
	func(err error) string {
		var e *repo.RepoExistsError
		return ifAs(err, &e, "or use --force-update")
	},
	func(err error) string {
		var e *repo.OCIRepoError
		if errors.As(err, &e) {
			return fmt.Sprintf("use oci:// references directly (and 'kpkg registry login %s' for credentials)", e.Registry)
		}
		return ""
	},
	func(err error) string {
		var e *repo.NotRepoChartError
		return ifAs(err, &e, "or use --repo URL")
	},
	func(err error) string {
		var e *repo.NoRepoDefinitionError
		return ifAs(err, &e, "add it with 'kpkg repo add'")
	},
	func(err error) string {
		var e *repo.LockOutOfSyncError
		if errors.As(err, &e) {
			return fmt.Sprintf("run 'kpkg dependency update %s'", e.Dir)
		}
		return ""
	},
	func(err error) string {
		var e *repo.AuthRequiredError
		if errors.As(err, &e) {
			return fmt.Sprintf("log in with 'kpkg registry login %s' or pass --username/--password", e.Host)
		}
		return ""
	},
	func(err error) string {
		var e *repo.TimeoutError
		return ifAs(err, &e, "the server may be down or slow; 'kpkg repo add' and 'kpkg repo update' take --timeout to wait longer")
	},
	func(err error) string {
		var e *provenance.KeyboxError
		return ifAs(err, &e, `export the keys to a keyring file with "gpg --export" (public) or "gpg --export-secret-keys" (secret) and pass it with --keyring`)
	},
	func(err error) string {
		if errors.Is(err, repo.ErrNoStableVersion) {
			return "use --devel for pre-releases, or --version"
		}
		return ""
	},
}

// ifAs returns h when err's chain holds a *T.
func ifAs[T error](err error, target *T, h string) string {
	if errors.As(err, target) {
		return h
	}
	return ""
}

// valueFlagError phrases a --set family error as Helm does, naming the flag.
func valueFlagError(err error) error {
	var e *values.SetError
	if !errors.As(err, &e) {
		return err
	}
	flag := map[values.Kind]string{
		values.KindSet: "set", values.KindString: "set-string", values.KindJSON: "set-json",
		values.KindFile: "set-file", values.KindLiteral: "set-literal",
	}[e.Kind]
	return fmt.Errorf("failed parsing --%s data: %w", flag, e.Err)
}
