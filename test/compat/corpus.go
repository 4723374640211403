package compat

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Case is one line of cases.tsv (or expected_errors.tsv).
type Case struct {
	ID          string
	ChartDir    string
	Release     string
	Namespace   string
	ValuesFiles []string
	ExtraArgs   []string
	// ErrorLine is Helm's first error line, for expected-error cases.
	ErrorLine string
}

// Args are the `kpkg template` arguments for the case, relative to corpus.
func (c Case) Args(corpus string) []string {
	chart := filepath.Join(corpus, c.ChartDir)
	args := []string{"template", c.Release, chart, "--namespace", c.Namespace}
	for _, f := range c.ValuesFiles {
		args = append(args, "-f", filepath.Join(chart, f))
	}
	return append(args, c.ExtraArgs...)
}

// ReadCases parses a corpus TSV file with a header line.
func ReadCases(path string) ([]Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Case
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for s.Scan() {
		if first {
			first = false
			continue
		}
		cols := strings.Split(s.Text(), "\t")
		if len(cols) < 5 {
			return nil, fmt.Errorf("%s: line %q has %d columns, want at least 5", path, s.Text(), len(cols))
		}
		c := Case{ID: cols[0], ChartDir: cols[1], Release: cols[2], Namespace: cols[3]}
		if cols[4] != "" {
			c.ValuesFiles = strings.Split(cols[4], ",")
		}
		if len(cols) > 7 && cols[7] != "" {
			c.ExtraArgs = strings.Fields(cols[7])
		}
		if len(cols) > 8 {
			c.ErrorLine = cols[8]
		}
		out = append(out, c)
	}
	return out, s.Err()
}

// ReadNondeterministic maps case IDs to the 1-based golden lines that vary.
func ReadNondeterministic(path string) (map[string]map[int]bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]map[int]bool{}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 || line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 {
			continue
		}
		lines := map[int]bool{}
		for _, n := range strings.Split(cols[1], ",") {
			if v, err := strconv.Atoi(strings.TrimSpace(n)); err == nil {
				lines[v] = true
			}
		}
		out[cols[0]] = lines
	}
	return out, nil
}

// FirstDifference compares got with want line by line, skipping the masked
// 1-based line numbers, and describes the first difference ("" if none).
func FirstDifference(want, got string, masked map[int]bool) string {
	wl := strings.Split(want, "\n")
	gl := strings.Split(got, "\n")
	n := len(wl)
	if len(gl) > n {
		n = len(gl)
	}
	for i := 0; i < n; i++ {
		if masked[i+1] {
			continue
		}
		var w, g string
		wok, gok := i < len(wl), i < len(gl)
		if wok {
			w = wl[i]
		}
		if gok {
			g = gl[i]
		}
		if wok && gok && w == g {
			continue
		}
		if !wok {
			w = "<end of output>"
		}
		if !gok {
			g = "<end of output>"
		}
		return fmt.Sprintf("line %d:\n    -want %s\n    +got  %s", i+1, clip(w), clip(g))
	}
	return ""
}

func clip(s string) string {
	if len(s) > 160 {
		return s[:160] + "..."
	}
	return s
}
