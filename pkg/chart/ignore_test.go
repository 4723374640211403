package chart

import "testing"

func TestIgnoreRules(t *testing.T) {
	tests := []struct {
		rules string
		path  string
		isDir bool
		want  bool
	}{
		{"*.bak", "files/a.bak", false, true},
		{"*.bak", "files/a.txt", false, false},
		{"/files/a.txt", "files/a.txt", false, true},
		{"files/a.txt", "files/a.txt", false, true},
		{"files/*.txt", "other/files/a.txt", false, false},
		{"secret/", "secret", true, true},
		{"secret/", "secret", false, false},
		// Helm reads "!" as: ignore what the pattern does not match.
		{"!*.yaml", "a.txt", false, true},
		{"!*.yaml", "a.yaml", false, false},
		{"# comment\n\n", "a", false, false},
		{"", "templates/.hidden", false, true},
		{"", "templates/x.yaml", false, false},
	}
	for _, tt := range tests {
		r, err := ParseIgnore([]byte(tt.rules))
		if err != nil {
			t.Fatal(err)
		}
		r.addDefaults()
		if got := r.Ignore(tt.path, tt.isDir); got != tt.want {
			t.Errorf("rules %q: Ignore(%q, dir=%v) = %v, want %v", tt.rules, tt.path, tt.isDir, got, tt.want)
		}
	}
}
