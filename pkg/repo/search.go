package repo

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// SearchOptions control SearchRepos. The zero value lists the newest stable
// version of every chart in every configured repository.
type SearchOptions struct {
	Paths Paths
	// Keyword is matched, case-insensitively, against "repo/chart", the
	// chart name, its description and keywords; empty matches everything.
	Keyword string
	// Regexp treats Keyword as a regular expression.
	Regexp bool
	// Version is a SemVer constraint the listed versions must satisfy.
	Version string
	// Versions lists every matching version, not only the newest.
	Versions bool
	// Devel admits pre-releases when Version is empty.
	Devel bool
	// OnIndexError receives each repository whose cached index cannot be
	// read; that repository is skipped.
	OnIndexError func(repo string, err error)
}

// SearchResult is one chart version found.
type SearchResult struct {
	// Name is "repo/chart".
	Name  string
	Chart *ChartVersion
	score int
}

// searchMaxScore drops matches found only deep in the searched text, as Helm.
const searchMaxScore = 25

// SearchRepos searches the cached indexes of the configured repositories,
// ranking results the way 'helm search repo' does: matches in the name
// first, then description, then keywords; ties by name, newest first.
func SearchRepos(opts SearchOptions) ([]SearchResult, error) {
	rf, err := LoadRepoFile(opts.Paths.RepositoryConfig)
	if err != nil {
		return nil, err
	}
	if len(rf.Repositories) == 0 {
		return nil, ErrNoRepositories
	}
	match, err := matcher(opts.Keyword, opts.Regexp)
	if err != nil {
		return nil, err
	}
	constraint := opts.Version
	if constraint == "" && opts.Devel {
		constraint = ">0.0.0-0"
	} else if constraint == "" {
		constraint = ">0.0.0"
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return nil, fmt.Errorf("an invalid version/constraint format %q: %w", constraint, err)
	}
	var results []SearchResult
	for _, e := range rf.Repositories {
		idx, err := LoadCachedIndex(opts.Paths, e.Name, nil)
		if err != nil {
			if opts.OnIndexError != nil {
				opts.OnIndexError(e.Name, err)
			}
			continue
		}
		results = append(results, searchIndex(e.Name, idx, match, c, opts.Versions)...)
	}
	sort.SliceStable(results, func(i, j int) bool {
		a, b := results[i], results[j]
		if a.score != b.score {
			return a.score < b.score
		}
		return a.Name < b.Name
	})
	return results, nil
}

// searchIndex returns the matching versions of each chart: the newest that
// satisfies c, or all of them when all is set. Versions are newest first.
func searchIndex(repoName string, idx *IndexFile, match func(string) int, c *semver.Constraints, all bool) []SearchResult {
	var out []SearchResult
	for name, vs := range idx.Entries {
		full := repoName + "/" + name
		for _, v := range vs {
			sv, err := semver.NewVersion(v.Version)
			if err != nil || !c.Check(sv) {
				continue
			}
			text := strings.Join([]string{v.Name, full, v.Description, strings.Join(v.Keywords, " ")}, "\v")
			score := match(text)
			if score < 0 {
				continue
			}
			out = append(out, SearchResult{Name: full, Chart: v, score: score})
			if !all {
				break
			}
		}
	}
	return out
}

// matcher returns the score of a match in text: the number of "\v"
// separators before it, or -1 for none (or one too deep).
func matcher(keyword string, isRegexp bool) (func(string) int, error) {
	score := func(text string, at int) int {
		if at < 0 {
			return -1
		}
		s := strings.Count(text[:at], "\v")
		if s >= searchMaxScore {
			return -1
		}
		return s
	}
	if keyword == "" {
		return func(string) int { return 0 }, nil
	}
	if isRegexp {
		re, err := regexp.Compile(keyword)
		if err != nil {
			return nil, fmt.Errorf("invalid regular expression %q: %w", keyword, err)
		}
		return func(text string) int {
			loc := re.FindStringIndex(text)
			if loc == nil {
				return -1
			}
			return score(text, loc[0])
		}, nil
	}
	kw := strings.ToLower(keyword)
	return func(text string) int { return score(text, strings.Index(strings.ToLower(text), kw)) }, nil
}
