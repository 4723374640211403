package cli

import (
	"testing"

	"github.com/spf13/pflag"
)

// The cluster flags default to KPKG_ variables, and flags beat them.
func TestKubeFlagsFromEnvironment(t *testing.T) {
	t.Setenv("KPKG_NAMESPACE", "from-env")
	t.Setenv("KPKG_KUBECONTEXT", "ctx-env")
	t.Setenv("KPKG_KUBEASGROUPS", "a,b")
	t.Setenv("KPKG_KUBEINSECURE_SKIP_TLS_VERIFY", "true")
	t.Setenv("KPKG_MAX_HISTORY", "3")
	tests := []struct {
		args               []string
		namespace, context string
		groups             int
		insecure           bool
		historyMax         int
	}{
		{nil, "from-env", "ctx-env", 2, true, 3},
		{[]string{"-n", "flag", "--kube-context", "ctx-flag", "--history-max", "7"}, "flag", "ctx-flag", 2, true, 7},
	}
	for _, tt := range tests {
		k := newKubeFlags()
		var historyMax int
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		k.register(fs)
		addHistoryMaxFlag(fs, &historyMax)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		c := k.config
		if *c.Namespace != tt.namespace || *c.Context != tt.context || len(*c.ImpersonateGroup) != tt.groups || *c.Insecure != tt.insecure || historyMax != tt.historyMax {
			t.Errorf("%q: namespace %q context %q groups %v insecure %v history-max %d", tt.args, *c.Namespace, *c.Context, *c.ImpersonateGroup, *c.Insecure, historyMax)
		}
	}
}
