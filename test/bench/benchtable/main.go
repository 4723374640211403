// Command benchtable reads `go test -bench` output of test/bench on stdin,
// passes it through unchanged (so it stays benchstat input), and appends a
// table of medians: case, Helm ms, kpkg ms, ratio, Helm MB, kpkg MB. MB is
// the peak RSS for whole processes and the bytes allocated per render
// in-process.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var line = regexp.MustCompile(`^(Benchmark\S+)/impl=(helm|kpkg)-\d+\s+\d+\s+(.*)$`)

type sample struct{ ms, mb []float64 }

func main() {
	samples, order, err := read(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	printTable(os.Stdout, samples, order)
}

func read(in io.Reader, echo io.Writer) (map[string]map[string]*sample, []string, error) {
	samples := map[string]map[string]*sample{}
	var order []string
	s := bufio.NewScanner(in)
	for s.Scan() {
		text := s.Text()
		fmt.Fprintln(echo, text)
		m := line.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		name, impl := m[1], m[2]
		if samples[name] == nil {
			samples[name] = map[string]*sample{}
			order = append(order, name)
		}
		sm := samples[name][impl]
		if sm == nil {
			sm = &sample{}
			samples[name][impl] = sm
		}
		fields := strings.Fields(m[3])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "ns/op":
				sm.ms = append(sm.ms, v/1e6)
			case "B/op":
				sm.mb = append(sm.mb, v/1e6)
			case "peak-MB":
				sm.mb = append(sm.mb, v)
			}
		}
	}
	return samples, order, s.Err()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	c := append([]float64(nil), v...)
	sort.Float64s(c)
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

func printTable(w io.Writer, samples map[string]map[string]*sample, order []string) {
	fmt.Fprintf(w, "\n%-78s %10s %10s %7s %9s %9s\n", "case", "Helm ms", "kpkg ms", "ratio", "Helm MB", "kpkg MB")
	for _, name := range order {
		h, k := samples[name]["helm"], samples[name]["kpkg"]
		if h == nil || k == nil {
			continue
		}
		hm, km := median(h.ms), median(k.ms)
		ratio := 0.0
		if km > 0 {
			ratio = hm / km
		}
		fmt.Fprintf(w, "%-78s %10.1f %10.1f %6.1fx %9.1f %9.1f\n",
			strings.TrimPrefix(name, "Benchmark"), hm, km, ratio, median(h.mb), median(k.mb))
	}
	printScaling(w, samples)
}

// printScaling reports how time grows from 200 to 400 subcharts.
func printScaling(w io.Writer, samples map[string]map[string]*sample) {
	at := func(n int, impl string) float64 {
		s := samples[fmt.Sprintf("BenchmarkScaling/subcharts=%d", n)]
		if s == nil || s[impl] == nil {
			return 0
		}
		return median(s[impl].ms)
	}
	for _, impl := range []string{"helm", "kpkg"} {
		if a, b := at(200, impl), at(400, impl); a > 0 && b > 0 {
			fmt.Fprintf(w, "scaling %s: time(400 subcharts) / time(200 subcharts) = %.2f\n", impl, b/a)
		}
	}
}
