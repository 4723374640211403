package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

func TestShowVersionsOCI(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("KPKG_REGISTRY_CONFIG", filepath.Join(t.TempDir(), "registry.json"))
	host := repotest.StartRegistry(t, "")
	ctx := context.Background()
	reg, err := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"0.9.0", "0.10.0", "1.0.0-rc.1", "0.2.0"} {
		p, err := repo.Package(ctx, "../../testdata/repo/demo", repo.PackageOptions{Version: v, DestDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(p)
		if _, err := reg.Push(ctx, data, "oci://"+host+"/c", repo.PushOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		args []string
		want string
	}{
		{nil, "0.10.0\n0.9.0\n0.2.0\n"},
		{[]string{"--devel"}, "1.0.0-rc.1\n0.10.0\n0.9.0\n0.2.0\n"},
		{[]string{"--version", ">=0.9"}, "0.10.0\n0.9.0\n"},
		{[]string{"-o", "json"}, `["0.10.0","0.9.0","0.2.0"]` + "\n"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		cmd := newShowVersionsCommand(IO{Out: &out, Err: &errOut})
		cmd.SetArgs(append([]string{"oci://" + host + "/c/demo", "--plain-http"}, tt.args...))
		if err := cmd.ExecuteContext(ctx); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if out.String() != tt.want {
			t.Errorf("show versions %v = %q, want %q", tt.args, out.String(), tt.want)
		}
	}
}
