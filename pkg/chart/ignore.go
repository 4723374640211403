package chart

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// IgnoreRules are the patterns of a .helmignore file.
type IgnoreRules struct {
	patterns []ignorePattern
}

type ignorePattern struct {
	glob     string
	negate   bool
	dirOnly  bool
	anchored bool // leading "/" or an inner "/": match the whole path
}

// ParseIgnore reads .helmignore: one glob per line as in filepath.Match, "#"
// comments, "!" negates, a trailing "/" matches directories only, a leading
// "/" anchors to the chart root; "**" is refused as in Helm.
func ParseIgnore(data []byte) (*IgnoreRules, error) {
	r := &IgnoreRules{}
	s := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
	line := 0
	for s.Scan() {
		line++
		if err := r.add(s.Text()); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
	}
	return r, s.Err()
}

func (r *IgnoreRules) addDefaults() {
	_ = r.add("templates/.?*")
}

func (r *IgnoreRules) add(rule string) error {
	rule = strings.TrimSpace(rule)
	if rule == "" || strings.HasPrefix(rule, "#") {
		return nil
	}
	if strings.Contains(rule, "**") {
		return errors.New("double-star (**) patterns are not supported")
	}
	if _, err := filepath.Match(rule, "abc"); err != nil {
		return fmt.Errorf("bad pattern %q: %w", rule, err)
	}
	p := ignorePattern{}
	if strings.HasPrefix(rule, "!") {
		p.negate = true
		rule = rule[1:]
	}
	if strings.HasSuffix(rule, "/") {
		p.dirOnly = true
		rule = strings.TrimSuffix(rule, "/")
	}
	if strings.HasPrefix(rule, "/") {
		p.anchored = true
		rule = strings.TrimPrefix(rule, "/")
	} else if strings.Contains(rule, "/") {
		p.anchored = true
	}
	p.glob = rule
	r.patterns = append(r.patterns, p)
	return nil
}

// Ignore reports whether the slash-separated chart path name is excluded.
// A negated rule excludes whatever it does not match, which is how Helm
// reads "!" (not as gitignore's re-inclusion).
func (r *IgnoreRules) Ignore(name string, isDir bool) bool {
	if name == "" || name == "." || name == "./" {
		return false
	}
	for _, p := range r.patterns {
		subject := name
		if !p.anchored {
			subject = path.Base(name)
		}
		matched, _ := filepath.Match(p.glob, subject)
		if p.negate {
			if p.dirOnly && !isDir {
				return true
			}
			if !matched {
				return true
			}
			continue
		}
		if p.dirOnly && !isDir {
			continue
		}
		if matched {
			return true
		}
	}
	return false
}
