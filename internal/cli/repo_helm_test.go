package cli_test

import (
	"testing"

	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// indexWithManyCharts is a repository index whose entries exercise the
// tables' widths: long descriptions, wide characters, several versions,
// pre-releases, a deprecated version and a chart without appVersion.
const indexWithManyCharts = `apiVersion: v1
entries:
  web:
  - name: web
    version: 1.10.0
    appVersion: "2.1"
    description: A web server chart whose description is much longer than fifty characters, so that the column is cut
    created: "2026-02-03T04:05:06Z"
    urls: [web-1.10.0.tgz]
  - name: web
    version: 1.9.0-rc.1
    appVersion: "2.1-rc"
    description: pre-release
    created: "2026-01-03T04:05:06Z"
    urls: [web-1.9.0-rc.1.tgz]
  - name: web
    version: 1.2.0
    description: old
    deprecated: true
    created: "2025-05-06T07:08:09Z"
    urls: [web-1.2.0.tgz]
  nihongo:
  - name: nihongo
    version: 0.1.0
    appVersion: "1"
    description: 日本語の説明がとても長いチャートです。表の幅を確かめるために十分な長さにしてあります。
    created: "2026-03-01T00:00:00Z"
    urls: [nihongo-0.1.0.tgz]
  zz-noapp:
  - name: zz-noapp
    version: 3.0.0
    description: no app version
    created: "2026-03-02T00:00:00Z"
    urls: [zz-noapp-3.0.0.tgz]
generated: "2026-03-03T00:00:00Z"
`

// sharedRepos gives the test an empty HOME where Helm added two
// repositories; it returns the first one's URL.
func sharedRepos(t *testing.T, helm string) string {
	t.Helper()
	helmHome(t)
	site := writeFiles(t, t.TempDir(), map[string]string{"index.yaml": indexWithManyCharts})
	url, _ := repotest.ServeDir(t, site, repotest.ServeOptions{})
	runHelm(t, helm, "repo", "add", "first", url)
	runHelm(t, helm, "repo", "add", "second-repo", url+"/")
	return url
}

func TestRepoTablesLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	sharedRepos(t, helm)
	for _, args := range [][]string{
		{"repo", "list"}, {"repo", "ls", "-o", "json"}, {"repo", "list", "-o", "yaml"}, {"repo", "list", "-o", "xml"},
		{"search", "repo"}, {"search", "repo", "web"}, {"search", "repo", "--versions"}, {"search", "repo", "-l", "--devel"},
		{"search", "repo", "--max-col-width", "0"}, {"search", "repo", "--max-col-width", "12"}, {"search", "repo", "--max-col-width", "3"},
		{"search", "repo", "-o", "json"}, {"search", "repo", "-o", "yaml", "--versions"}, {"search", "repo", "nothing-matches"},
		{"search", "repo", "nothing-matches", "-o", "json"}, {"search", "repo", "-r", "w.b", "--version", "<1.5"},
		{"search", "repo", "-o", "xml"},
	} {
		compareWithHelm(t, helm, args...)
	}
	// Without repositories both refuse the table and print empty lists.
	mustRun(t, "repo", "remove", "first", "second-repo")
	for _, args := range [][]string{{"repo", "list"}, {"repo", "list", "-o", "json"}, {"repo", "list", "-o", "yaml"}} {
		compareWithHelm(t, helm, args...)
	}
}
