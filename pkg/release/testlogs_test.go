package release

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestTestLogs(t *testing.T) {
	e := newTestEnv(t)
	rel := &Release{Name: "web", Namespace: testNS, Hooks: []*Hook{
		{Name: "web-test-b", Events: []string{"test"}, Weight: 1},
		{Name: "web-setup", Events: []string{"pre-install"}},
		{Name: "web-test-a", Events: []string{"test"}, Weight: 1},
		{Name: "web-test-first", Events: []string{"test"}, Weight: -5},
	}}
	tests := []struct {
		name string
		o    TestOptions
		want []string
	}{
		{"every test pod, by weight then name", TestOptions{}, []string{"web-test-first", "web-test-a", "web-test-b"}},
		{"filters as the test run", TestOptions{Exclude: []string{"web-test-a"}}, []string{"web-test-first", "web-test-b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := TestLogs(context.Background(), e.cfg, rel, tt.o, &out); err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			for _, name := range tt.want {
				// client-go's fake serves every pod's logs as "fake logs".
				want.WriteString("POD LOGS: " + name + "\nfake logs\n")
			}
			if out.String() != want.String() {
				t.Errorf("logs:\n%s\nwant:\n%s", out.String(), want.String())
			}
		})
	}
}
