package chart

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
)

// Default limits on loading one chart. They bound the memory a chart from an
// untrusted source can take: an archive of a few kilobytes can decompress to
// gigabytes, and Helm v3.22 checks its 100 MiB per archive, so forty subchart
// archives of zeros cost it forty times that. Real charts are far below them:
// kube-prometheus-stack, with its subcharts, is 7 MB in 328 files nested two
// deep.
const (
	// DefaultMaxChartSize is the most bytes loading a chart may decompress
	// or read, summed over its archive, every archive nested in it
	// (charts/*.tgz, at any depth), directories and file:// dependencies.
	DefaultMaxChartSize = 100 << 20
	// DefaultMaxFileSize is the largest single file, as in Helm.
	DefaultMaxFileSize = 5 << 20
	// DefaultMaxFiles is the most entries (files, and the directory
	// entries of archives) a chart and its subcharts may hold in total.
	DefaultMaxFiles = 10_000
	// DefaultMaxDepth is how deeply subcharts may nest: a chart with
	// subcharts is depth 1, their own subcharts depth 2, and so on.
	DefaultMaxDepth = 20
)

// MaxFileSize and MaxChartSize are the defaults under their earlier names.
const (
	MaxFileSize  = DefaultMaxFileSize
	MaxChartSize = DefaultMaxChartSize
)

// Environment variables that replace the defaults, for every load whose
// Limits leave the field zero. Sizes are bytes, optionally with a Ki, Mi or
// Gi suffix ("500Mi"); a negative value removes the limit.
const (
	EnvMaxChartSize = "KPKG_MAX_CHART_SIZE"
	EnvMaxFileSize  = "KPKG_MAX_CHART_FILE_SIZE"
	EnvMaxFiles     = "KPKG_MAX_CHART_FILES"
	EnvMaxDepth     = "KPKG_MAX_CHART_DEPTH"
)

// Limits bound what loading one chart may read. A zero field takes its value
// from the environment variable of the same limit when it is set and
// otherwise from the default; a negative field means no limit.
type Limits struct {
	// MaxChartSize is the most bytes decompressed or read in total over
	// the chart, its subcharts and every nested archive
	// (DefaultMaxChartSize, KPKG_MAX_CHART_SIZE).
	MaxChartSize int64
	// MaxFileSize is the largest single file (DefaultMaxFileSize,
	// KPKG_MAX_CHART_FILE_SIZE).
	MaxFileSize int64
	// MaxFiles is the most entries in total (DefaultMaxFiles,
	// KPKG_MAX_CHART_FILES).
	MaxFiles int
	// MaxDepth is how deeply subcharts may nest (DefaultMaxDepth,
	// KPKG_MAX_CHART_DEPTH).
	MaxDepth int
}

// LimitsFromEnv reads the limits set in the environment through getenv
// (os.Getenv when nil); limits not set there are zero.
func LimitsFromEnv(getenv func(string) string) (Limits, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var l Limits
	var errs []error
	size := func(env string, dst *int64) {
		if v := strings.TrimSpace(getenv(env)); v != "" {
			n, err := parseSize(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("environment variable %s=%q: %w", env, v, err))
			}
			*dst = n
		}
	}
	count := func(env string, dst *int) {
		var n int64
		size(env, &n)
		*dst = int(n)
	}
	size(EnvMaxChartSize, &l.MaxChartSize)
	size(EnvMaxFileSize, &l.MaxFileSize)
	count(EnvMaxFiles, &l.MaxFiles)
	count(EnvMaxDepth, &l.MaxDepth)
	return l, errors.Join(errs...)
}

// resolved fills l's zero fields from the environment, then the defaults,
// and turns "no limit" into the largest value.
func (l Limits) resolved() (Limits, error) {
	env, err := LimitsFromEnv(nil)
	if err != nil {
		return l, err
	}
	pick64 := func(v, fromEnv, def int64) int64 {
		switch {
		case v == 0 && fromEnv != 0:
			v = fromEnv
		case v == 0:
			v = def
		}
		if v < 0 {
			return 1<<63 - 1
		}
		return v
	}
	pick := func(v, fromEnv, def int) int { return int(pick64(int64(v), int64(fromEnv), int64(def))) }
	return Limits{
		MaxChartSize: pick64(l.MaxChartSize, env.MaxChartSize, DefaultMaxChartSize),
		MaxFileSize:  pick64(l.MaxFileSize, env.MaxFileSize, DefaultMaxFileSize),
		MaxFiles:     pick(l.MaxFiles, env.MaxFiles, DefaultMaxFiles),
		MaxDepth:     pick(l.MaxDepth, env.MaxDepth, DefaultMaxDepth),
	}, nil
}

// plusOne is n+1 without overflowing, for reading one byte past a limit.
func plusOne(n int64) int64 { return min(n, 1<<63-2) + 1 }

// parseSize reads "123", "-1", "64Ki", "500Mi" or "2Gi".
func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30} {
		if rest, ok := strings.CutSuffix(s, suffix); ok {
			s, mult = rest, m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > (1<<62)/mult {
		return 0, errors.New("not a whole number of bytes (an optional Ki, Mi or Gi suffix is allowed)")
	}
	return n * mult, nil
}

// Kinds of limits, as LimitError names them.
const (
	LimitChartSize = "total size"
	LimitFileSize  = "file size"
	LimitFiles     = "number of entries"
	LimitDepth     = "subchart depth"
)

// LimitError is a chart that exceeds one of its Limits. It names the file
// (or archive entry) where the limit was reached.
type LimitError struct {
	// Path is the chart, archive or file where the limit was passed.
	Path string
	// Entry is the archive entry being read, when Path is an archive.
	Entry string
	// Limit is one of LimitChartSize, LimitFileSize, LimitFiles, LimitDepth.
	Limit string
	// Max is the limit's value.
	Max int64
	// Env is the environment variable that sets the limit.
	Env string
}

func (e *LimitError) Error() string {
	where := e.Path
	if e.Entry != "" {
		where += fmt.Sprintf(": entry %q", e.Entry)
	}
	switch e.Limit {
	case LimitChartSize:
		return fmt.Sprintf("%s: the chart is larger than the %d bytes allowed in total for a chart, its subcharts and their archives once decompressed", where, e.Max)
	case LimitFileSize:
		return fmt.Sprintf("%s: file is larger than the %d bytes allowed for one file", where, e.Max)
	case LimitFiles:
		return fmt.Sprintf("%s: the chart holds more than the %d entries allowed in total for a chart and its subcharts", where, e.Max)
	}
	return fmt.Sprintf("%s: subcharts nest more than the %d levels allowed", where, e.Max)
}

// Is makes a LimitError an ErrInvalidChart: the chart's content is at fault.
func (e *LimitError) Is(target error) bool { return target == ErrInvalidChart }

// budget is what is left of a load's Limits; subcharts loading in parallel
// share it.
type budget struct {
	lim   Limits
	bytes atomic.Int64 // bytes taken so far
	files atomic.Int64 // entries taken so far
}

// takeBytes records n more bytes read for path (entry, in an archive).
func (b *budget) takeBytes(path, entry string, n int64) error {
	if b.bytes.Add(n) > b.lim.MaxChartSize {
		return &LimitError{Path: path, Entry: entry, Limit: LimitChartSize, Max: b.lim.MaxChartSize, Env: EnvMaxChartSize}
	}
	return nil
}

// wouldExceed is the error for reading n more bytes when they would pass
// the limit, or nil.
func (b *budget) wouldExceed(path, entry string, n int64) error {
	if n > b.lim.MaxChartSize-b.bytes.Load() {
		return &LimitError{Path: path, Entry: entry, Limit: LimitChartSize, Max: b.lim.MaxChartSize, Env: EnvMaxChartSize}
	}
	return nil
}

// takeFile records one more entry at path.
func (b *budget) takeFile(path, entry string) error {
	if b.files.Add(1) > int64(b.lim.MaxFiles) {
		return &LimitError{Path: path, Entry: entry, Limit: LimitFiles, Max: int64(b.lim.MaxFiles), Env: EnvMaxFiles}
	}
	return nil
}

// fileTooLarge is the error for a file of size bytes at path, or nil.
func (b *budget) fileTooLarge(path, entry string, size int64) error {
	if size > b.lim.MaxFileSize {
		return &LimitError{Path: path, Entry: entry, Limit: LimitFileSize, Max: b.lim.MaxFileSize, Env: EnvMaxFileSize}
	}
	return nil
}

// countingReader charges every byte read from r to a budget, so the bytes a
// gzip stream inflates to, tar headers and skipped entries included, count.
// The error names the entry being read, when there is one.
type countingReader struct {
	r      io.Reader
	b      *budget
	origin string
	entry  string
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		if lerr := c.b.takeBytes(c.origin, c.entry, int64(n)); lerr != nil {
			return n, lerr
		}
	}
	return n, err
}
