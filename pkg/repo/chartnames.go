package repo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
)

// CachedChartNames lists the charts of repository name from the cache,
// for shell completion: the chart list a repository update writes beside
// the index, in its order; without one (a cache from before chart lists
// were written), the cached index's chart names, sorted.
func CachedChartNames(p Paths, name string) ([]string, error) {
	data, err := os.ReadFile(p.CacheChartsFile(name))
	if err == nil {
		var names []string
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			names = append(names, sc.Text())
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", p.CacheChartsFile(name), err)
		}
		return names, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read chart list of repository %q: %w", name, err)
	}
	idx, err := LoadCachedIndex(p, name, nil)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(idx.Entries))
	for n := range idx.Entries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}
