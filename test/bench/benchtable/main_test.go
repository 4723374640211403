package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestTableFromBenchOutput(t *testing.T) {
	in := `goos: linux
BenchmarkRender/keda--default/impl=helm-2         	       5	 100000000 ns/op	 50000000 B/op	  1 allocs/op
BenchmarkRender/keda--default/impl=kpkg-2         	       5	  25000000 ns/op	 20000000 B/op	  1 allocs/op
BenchmarkRender/keda--default/impl=kpkg-2         	       5	  35000000 ns/op	 20000000 B/op	  1 allocs/op
BenchmarkScaling/subcharts=200/impl=kpkg-2 1 1000000000 ns/op
BenchmarkScaling/subcharts=400/impl=kpkg-2 1 2100000000 ns/op
BenchmarkScaling/subcharts=200/impl=helm-2 1 7000000000 ns/op
BenchmarkScaling/subcharts=400/impl=helm-2 1 28000000000 ns/op
BenchmarkProcess/kps/impl=helm-2 1 300000000 ns/op 120.0 peak-MB
BenchmarkProcess/kps/impl=kpkg-2 1 100000000 ns/op 80.0 peak-MB
`
	samples, order, err := read(strings.NewReader(in), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	printTable(&out, samples, order)
	for _, want := range []string{
		"Render/keda--default", "100.0", "30.0", "3.3x", "50.0", "20.0",
		"Process/kps", "3.0x", "120.0", "80.0",
		"scaling kpkg: time(400 subcharts) / time(200 subcharts) = 2.10",
		"scaling helm: time(400 subcharts) / time(200 subcharts) = 4.00",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
