package yamldec

import (
	"runtime"
	"strings"
	"testing"
)

// allocated runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDeepNestingGetsHelmsVerdict checks that nesting is bounded: the fast
// path declines past maxDepth instead of recursing, and sigs.k8s.io/yaml
// then accepts what Helm accepts (up to 10,000 levels) and refuses the rest
// with its depth error, without growing the stack or the heap with the depth.
func TestDeepNestingGetsHelmsVerdict(t *testing.T) {
	flow := func(n int) string { return "a: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n" }
	flowMap := func(n int) string { return "a: " + strings.Repeat("{b: ", n) + "1" + strings.Repeat("}", n) + "\n" }
	cases := []struct {
		name    string
		src     string
		wantErr string
	}{
		{"flow sequences at the fast path's limit", flow(maxDepth - 1), ""},
		{"flow sequences past the fast path's limit", flow(maxDepth + 1), ""},
		{"flow sequences at Helm's limit", flow(9999), ""},
		{"flow sequences past Helm's limit", flow(10001), "exceeded max depth of 10000"},
		{"flow mappings past Helm's limit", flowMap(20000), "exceeded max depth of 10000"},
		{"3 million flow sequences", flow(3_000_000), "exceeded max depth of 10000"},
		{"block sequences past Helm's limit", "a:\n" + strings.Repeat("- ", 200_000) + "x\n", "exceeded max depth of 10000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			alloc := allocated(func() {
				m := map[string]any{}
				err = UnmarshalMap([]byte(tc.src), &m)
			})
			_, sigsErr := sigsDecode(tc.src)
			if (err == nil) != (sigsErr == nil) {
				t.Fatalf("verdict differs from sigs.k8s.io/yaml: got %v, sigs %v", err, sigsErr)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
			// Input-sized work only: 3 MB of brackets once cost 1 GB of stack.
			if limit := uint64(64<<20) + 200*uint64(len(tc.src)); alloc > limit {
				t.Errorf("allocated %d MB for %d bytes of input", alloc>>20, len(tc.src))
			}
		})
	}
}

// The top-level mapping is one of the maxDepth levels.
func TestFastPathDeclinesPastMaxDepth(t *testing.T) {
	n := maxDepth - 1
	if _, ok := Decode("a: " + strings.Repeat("[", n) + strings.Repeat("]", n)); !ok {
		t.Fatalf("%d levels: fast path declined", n+1)
	}
	if _, ok := Decode("a: " + strings.Repeat("[", n+1) + strings.Repeat("]", n+1)); ok {
		t.Fatalf("%d levels: fast path did not decline", n+2)
	}
}
