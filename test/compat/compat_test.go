package compat

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/internal/cli"
)

func corpusDir(t testing.TB) string {
	dir := os.Getenv("KPKG_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "cases.tsv")); err != nil {
		t.Skipf("corpus not found at %s (set KPKG_CORPUS)", dir)
	}
	return dir
}

func runKpkg(args []string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestCompat renders every corpus case and compares it with Helm's golden,
// then prints "N/M identical" and the first differing line of each failure.
func TestCompat(t *testing.T) {
	corpus := corpusDir(t)
	cases, err := ReadCases(filepath.Join(corpus, "cases.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	masks, err := ReadNondeterministic(filepath.Join(corpus, "nondeterministic.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var failures []string
	identical := 0
	for _, c := range cases {
		want, err := os.ReadFile(filepath.Join(corpus, "golden", c.ID+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		got, stderr, code := runKpkg(c.Args(corpus))
		switch {
		case code != 0:
			failures = append(failures, fmt.Sprintf("%s: exit %d: %s", c.ID, code, firstLine(stderr)))
		default:
			if diff := FirstDifference(string(want), got, masks[c.ID]); diff != "" {
				failures = append(failures, fmt.Sprintf("%s: %s", c.ID, diff))
			} else {
				identical++
			}
		}
	}

	errCases, err := ReadCases(filepath.Join(corpus, "expected_errors.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	errorsMatched := 0
	for _, c := range errCases {
		_, stderr, code := runKpkg(c.Args(corpus))
		if code == 0 {
			failures = append(failures, fmt.Sprintf("%s: expected Helm's error %q, got success", c.ID, c.ErrorLine))
			continue
		}
		if !strings.HasPrefix(c.ErrorLine, firstLine(stderr)) && !strings.HasPrefix(firstLine(stderr), strings.TrimSuffix(c.ErrorLine, "...")) {
			failures = append(failures, fmt.Sprintf("%s: error differs:\n    -want %s\n    +got  %s", c.ID, clip(c.ErrorLine), clip(firstLine(stderr))))
			continue
		}
		errorsMatched++
	}

	for _, f := range failures {
		t.Log("FAIL " + f)
	}
	t.Logf("%d/%d identical", identical, len(cases))
	t.Logf("%d/%d expected errors reproduced", errorsMatched, len(errCases))
	// make test sets this so a compatibility regression fails CI.
	if os.Getenv("KPKG_COMPAT_REQUIRE_ALL") != "" && len(failures) > 0 {
		t.Errorf("%d corpus cases differ from Helm; run 'make compat' for details", len(failures))
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
