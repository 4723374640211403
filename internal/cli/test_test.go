package cli

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTestFilters(t *testing.T) {
	tests := []struct {
		filters          []string
		include, exclude []string
		err              string
	}{
		{nil, nil, nil, ""},
		{[]string{"name=a", "name=b"}, []string{"a", "b"}, nil, ""},
		{[]string{"!name=a", "! name=b", "name=c"}, []string{"c"}, []string{"a", "b"}, ""},
		{[]string{"kind=Pod"}, nil, nil, `invalid --filter "kind=Pod"`},
	}
	for _, tt := range tests {
		include, exclude, err := parseTestFilters(tt.filters)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.filters, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(include, tt.include) || !reflect.DeepEqual(exclude, tt.exclude) {
			t.Errorf("%q: got %q %q %v, want %q %q", tt.filters, include, exclude, err, tt.include, tt.exclude)
		}
	}
}
