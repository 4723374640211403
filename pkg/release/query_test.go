package release

import (
	"strings"
	"testing"
	"time"

	"github.com/kpkg/kpkg/pkg/release/record"
)

func TestOrderAndPage(t *testing.T) {
	at := func(sec int) time.Time { return time.Unix(int64(1700000000+sec), 0) }
	rel := func(ns, name string, deployed time.Time) *Release {
		return &Release{Name: name, Namespace: ns, Info: &Info{LastDeployed: record.Time{Time: deployed}}}
	}
	// As the store returns them: by namespace, then name.
	all := func() []*Release {
		return []*Release{
			rel("a", "web", at(30)),
			rel("a", "zeta", at(10)),
			rel("b", "api", at(20)),
			rel("b", "web", at(5)),
		}
	}
	tests := []struct {
		name            string
		byDate, reverse bool
		offset, limit   int
		want            string
	}{
		{"by name", false, false, 0, 0, "b/api a/web b/web a/zeta"},
		{"by name reversed", false, true, 0, 0, "a/zeta b/web a/web b/api"},
		{"by date, oldest first", true, false, 0, 0, "b/web a/zeta b/api a/web"},
		{"by date reversed", true, true, 0, 0, "a/web b/api a/zeta b/web"},
		{"max", false, false, 0, 2, "b/api a/web"},
		{"offset", false, false, 1, 0, "a/web b/web a/zeta"},
		{"offset and max", false, false, 1, 2, "a/web b/web"},
		{"max beyond the end", false, false, 3, 5, "a/zeta"},
		{"offset past the end", false, false, 4, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rels := all()
			orderReleases(rels, tt.byDate, tt.reverse)
			var got []string
			for _, r := range page(rels, tt.offset, tt.limit) {
				got = append(got, r.Namespace+"/"+r.Name)
			}
			if s := strings.Join(got, " "); s != tt.want {
				t.Fatalf("got %q, want %q", s, tt.want)
			}
		})
	}
}

// Equal times to the second keep the store's order, so --date output is
// the same on every run.
func TestOrderByDateTiesKeepStoreOrder(t *testing.T) {
	same := time.Unix(1700000000, 0)
	rels := []*Release{
		{Name: "b", Namespace: "x", Info: &Info{LastDeployed: record.Time{Time: same.Add(300 * time.Millisecond)}}},
		{Name: "a", Namespace: "y", Info: &Info{LastDeployed: record.Time{Time: same}}},
	}
	orderReleases(rels, true, false)
	if rels[0].Name != "b" || rels[1].Name != "a" {
		t.Fatalf("order %s,%s; want b,a", rels[0].Name, rels[1].Name)
	}
}

func TestTestSelection(t *testing.T) {
	hooks := func() []*Hook {
		var out []*Hook
		for _, n := range []string{"a", "b", "c"} {
			h := &Hook{}
			h.Name = n
			out = append(out, h)
		}
		return out
	}
	tests := []struct {
		name             string
		include, exclude []string
		want             string
	}{
		{"no filter", nil, nil, "a b c"},
		{"include", []string{"a", "c"}, nil, "a c"},
		{"exclude", nil, []string{"b"}, "a c"},
		{"exclude wins over include", []string{"a", "b"}, []string{"b"}, "a"},
		{"unknown name", []string{"z"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, h := range (TestOptions{Include: tt.include, Exclude: tt.exclude}).selected(hooks()) {
				got = append(got, h.Name)
			}
			if s := strings.Join(got, " "); s != tt.want {
				t.Fatalf("got %q, want %q", s, tt.want)
			}
		})
	}
}
