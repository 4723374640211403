package plugin

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// hookEnv makes the hooker fixture write its markers into a temp dir.
func hookEnv(t *testing.T) (HookOptions, string) {
	markers := t.TempDir()
	env := testEnv(nil)
	env.Inherit = append(env.Inherit, "KPKGTEST_MARKERS="+markers)
	return HookOptions{Env: env}, markers
}

func readMarker(t *testing.T, dir, event string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "hooker-"+event))
	if err != nil {
		return ""
	}
	return string(b)
}

// dirEntries lists dir, to check that failed installs leave nothing.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestInstallLocal(t *testing.T) {
	skipOnWindows(t)
	dir := filepath.Join(t.TempDir(), "plugins") // created by Install
	hooks, markers := hookEnv(t)
	src := fixture(t, "hooker")
	p, err := Install(context.Background(), src, InstallOptions{Dir: dir, Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "hooker")
	if link, err := os.Readlink(target); err != nil || link != src {
		t.Errorf("%s -> %q, %v; want a symlink to %s", target, link, err, src)
	}
	if p.Dir != target || p.Name() != "hooker" {
		t.Errorf("plugin = %+v", p)
	}
	if got := readMarker(t, markers, HookInstall); got != "install hooker "+target+"\n" {
		t.Errorf("install marker = %q", got)
	}

	// Installing again, or another directory with the same plugin name,
	// is refused.
	if _, err := Install(context.Background(), src, InstallOptions{Dir: dir}); !errors.Is(err, ErrExists) {
		t.Errorf("second install: err = %v, want ErrExists", err)
	}
	copyDir := writePlugin(t, t.TempDir(), "hooker-copy", "name: hooker\n", nil)
	if _, err := Install(context.Background(), copyDir, InstallOptions{Dir: dir}); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), target) {
		t.Errorf("same name: err = %v, want ErrExists naming %s", err, target)
	}

	// Uninstall removes the link only and runs the delete hook.
	if err := Uninstall(context.Background(), p, hooks); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(target); !os.IsNotExist(err) {
		t.Errorf("%s still there: %v", target, err)
	}
	if _, err := os.Stat(filepath.Join(src, FileName)); err != nil {
		t.Errorf("uninstall touched the source: %v", err)
	}
	if got := readMarker(t, markers, HookDelete); got != "delete hooker "+target+"\n" {
		t.Errorf("delete marker = %q", got)
	}
}

func TestInstallLocalErrors(t *testing.T) {
	dir := t.TempDir()
	src := t.TempDir()
	file := filepath.Join(src, "file")
	os.WriteFile(file, nil, 0o644)
	bad := writePlugin(t, src, "bad", "name: bad name\n", nil)
	tests := []struct {
		source string
		want   string
	}{
		{file, "must be a directory"},
		{t.TempDir(), "no plugin.yaml found"},
		{bad, `field "name"`},
	}
	for _, tt := range tests {
		if _, err := Install(context.Background(), tt.source, InstallOptions{Dir: dir}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Install(%s): err = %v, want %q", tt.source, err, tt.want)
		}
	}
	if got := dirEntries(t, dir); len(got) != 0 {
		t.Errorf("failed installs left %v", got)
	}
	if _, err := Install(context.Background(), src, InstallOptions{}); err == nil {
		t.Error("no Dir: want an error")
	}
}

// A hook failure leaves the plugin installed, as in Helm, and says so.
func TestInstallHookFails(t *testing.T) {
	skipOnWindows(t)
	src := writePlugin(t, t.TempDir(), "failing", "name: failing\nhooks: {install: 'exit 7'}\n", nil)
	dir := t.TempDir()
	p, err := Install(context.Background(), src, InstallOptions{Dir: dir, Hooks: HookOptions{Env: testEnv(nil)}})
	if err == nil || !strings.Contains(err.Error(), "is installed at") || !strings.Contains(err.Error(), "exit status 7") || p == nil {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "failing")); err != nil {
		t.Errorf("plugin was removed: %v", err)
	}
}

type entry struct {
	name string
	body string
	typ  byte
	mode int64
}

func tgz(t *testing.T, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Size: int64(len(e.body))}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
			h.Linkname = e.body
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// fixtureEntries packs a fixture directory, optionally under a prefix.
func fixtureEntries(t *testing.T, name, prefix string) []entry {
	t.Helper()
	var out []entry
	root := fixture(t, name)
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		body, _ := os.ReadFile(p)
		out = append(out, entry{name: prefix + filepath.ToSlash(rel), body: string(body), mode: int64(info.Mode().Perm())})
		return nil
	})
	return out
}

func serveArchives(t *testing.T, files map[string][]byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestInstallArchive(t *testing.T) {
	skipOnWindows(t)
	srv := serveArchives(t, map[string][]byte{
		"/dl/hooker-1.2.3.tgz":        tgz(t, fixtureEntries(t, "hooker", "")),
		"/dl/envprinter-0.1.0.tar.gz": tgz(t, append([]entry{{name: "envprinter/", typ: tar.TypeDir, mode: 0o755}}, fixtureEntries(t, "envprinter", "envprinter/")...)),
		"/dl/testgetter.tgz":          tgz(t, fixtureEntries(t, "testgetter", "./")),
	})
	dir := t.TempDir()
	hooks, markers := hookEnv(t)
	tests := []struct{ url, dirName, name string }{
		{srv.URL + "/dl/hooker-1.2.3.tgz", "hooker", "hooker"},
		{srv.URL + "/dl/envprinter-0.1.0.tar.gz?token=x", "envprinter", "envprinter"},
		{srv.URL + "/dl/testgetter.tgz", "testgetter", "testgetter"},
	}
	for _, tt := range tests {
		if k := SourceKind(tt.url); k != SourceArchive {
			t.Fatalf("SourceKind(%s) = %s", tt.url, k)
		}
		p, err := Install(context.Background(), tt.url, InstallOptions{Dir: dir, Hooks: hooks})
		if err != nil {
			t.Fatalf("Install(%s): %v", tt.url, err)
		}
		if p.Dir != filepath.Join(dir, tt.dirName) || p.Name() != tt.name {
			t.Errorf("Install(%s) = %s at %s", tt.url, p.Name(), p.Dir)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "envprinter", "printenv.sh")); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("printenv.sh: %v %v; want an executable", st, err)
	}
	if got := readMarker(t, markers, HookInstall); got != "install hooker "+filepath.Join(dir, "hooker")+"\n" {
		t.Errorf("install hook marker = %q", got)
	}
	if got := dirEntries(t, dir); !reflect.DeepEqual(got, []string{"envprinter", "hooker", "testgetter"}) {
		t.Errorf("plugins dir holds %v", got)
	}
	found, err := Find([]string{dir})
	if err != nil || len(found) != 3 {
		t.Errorf("Find after installs: %v, %v", names(found), err)
	}
	// An archive install cannot be updated (Helm's rule), and is left as is.
	hooker := Lookup(found, "hooker")
	if _, err := Update(context.Background(), hooker, hooks); !errors.Is(err, ErrUnknownSource) {
		t.Errorf("Update(archive) err = %v, want ErrUnknownSource", err)
	}
	if _, err := Install(context.Background(), srv.URL+"/dl/hooker-1.2.3.tgz", InstallOptions{Dir: dir}); !errors.Is(err, ErrExists) {
		t.Errorf("reinstall: err = %v, want ErrExists", err)
	}
}

func TestInstallArchiveRefusesBadArchives(t *testing.T) {
	good := entry{name: "plugin.yaml", body: "name: evil\n"}
	big := strings.Repeat("x", 2000)
	files := map[string][]byte{
		"/dotdot.tgz":    tgz(t, []entry{good, {name: "a/../../escape", body: "x"}}),
		"/abs.tgz":       tgz(t, []entry{good, {name: "/etc/escape", body: "x"}}),
		"/colon.tgz":     tgz(t, []entry{good, {name: "c:/escape", body: "x"}}),
		"/backslash.tgz": tgz(t, []entry{good, {name: `a\..\..\escape`, body: "x"}}),
		"/symlink.tgz":   tgz(t, []entry{good, {name: "link", typ: tar.TypeSymlink, body: "/etc/passwd"}}),
		"/hardlink.tgz":  tgz(t, []entry{good, {name: "hard", typ: tar.TypeLink, body: "plugin.yaml"}}),
		"/fifo.tgz":      tgz(t, []entry{good, {name: "pipe", typ: tar.TypeFifo}}),
		"/big.tgz":       tgz(t, []entry{good, {name: "big", body: big}}),
		"/many.tgz":      tgz(t, []entry{good, {name: "1"}, {name: "2"}, {name: "3"}, {name: "4"}, {name: "5"}}),
		"/noplugin.tgz":  tgz(t, []entry{{name: "README", body: "x"}}),
		"/badname.tgz":   tgz(t, []entry{{name: "plugin.yaml", body: "name: a b\n"}}),
		"/notgz.tgz":     []byte("<html>not an archive</html>"),
		"/huge.tgz":      bytes.Repeat([]byte{1}, 5000),
	}
	srv := serveArchives(t, files)
	tests := []struct{ path, want string }{
		{"/dotdot.tgz", `entry "a/../../escape": paths with ".." are not allowed`},
		{"/abs.tgz", `entry "/etc/escape": absolute paths are not allowed`},
		{"/colon.tgz", `entry "c:/escape"`},
		{"/backslash.tgz", `paths with ".." are not allowed`},
		{"/symlink.tgz", `entry "link": links are not allowed`},
		{"/hardlink.tgz", `entry "hard": links are not allowed`},
		{"/fifo.tgz", `entry "pipe": unsupported entry type`},
		{"/big.tgz", `entry "big": archive contents are larger than the 1000 bytes allowed`},
		{"/many.tgz", "more than the 4 entries allowed"},
		{"/noplugin.tgz", "no plugin.yaml found"},
		{"/badname.tgz", `field "name"`},
		{"/notgz.tgz", "not a gzip archive"},
		{"/huge.tgz", "larger than the 4096 bytes allowed"},
		{"/missing.tgz", "404"},
	}
	dir := t.TempDir()
	outside := filepath.Dir(dir)
	lim := ArchiveLimits{MaxDownload: 4096, MaxTotal: 1000, MaxEntries: 4}
	for _, tt := range tests {
		_, err := Install(context.Background(), srv.URL+tt.path, InstallOptions{Dir: dir, Limits: lim})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.path, err, tt.want)
		}
		if got := dirEntries(t, dir); len(got) != 0 {
			t.Fatalf("%s: left %v in the plugins directory", tt.path, got)
		}
	}
	for _, name := range []string{"escape", filepath.Join("..", "escape")} {
		if _, err := os.Stat(filepath.Join(outside, name)); err == nil {
			t.Errorf("an archive wrote %s outside the target", name)
		}
	}
}

func TestArchivePluginName(t *testing.T) {
	for in, want := range map[string]string{
		"fake-plugin-0.0.1.tar.gz":  "fake-plugin",
		"fake-plugin-0.0.1.tgz":     "fake-plugin",
		"fake-plugin.tgz":           "fake-plugin",
		"fake-plugin.tar.gz":        "fake-plugin",
		"helm-diff-linux-amd64.tgz": "helm-diff-linux-amd64",
		"x-1.tgz":                   "x-1",
	} {
		if got := archivePluginName(in); got != want {
			t.Errorf("archivePluginName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSourceKind(t *testing.T) {
	local := t.TempDir()
	for in, want := range map[string]string{
		local:                                    SourceLocal,
		"https://example.com/p-1.0.0.tgz":        SourceArchive,
		"http://example.com/p.tar.gz?x=1":        SourceArchive,
		"https://github.com/databus23/helm-diff": SourceGit,
		"git@github.com:user/repo.git":           SourceGit,
		"ftp://example.com/p.tgz":                SourceGit,
	} {
		if got := SourceKind(in); got != want {
			t.Errorf("SourceKind(%q) = %s, want %s", in, got, want)
		}
	}
}
