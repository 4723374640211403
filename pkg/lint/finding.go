package lint

import (
	"fmt"
	"strings"
)

// Severity ranks a finding. Only Error fails a lint, unless Options.Strict
// makes Warning fail too.
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "INFO"
	case Warning:
		return "WARNING"
	case Error:
		return "ERROR"
	}
	return "UNKNOWN"
}

// MarshalText writes the severity by name, so JSON reports read "ERROR".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding is one problem found in a chart.
type Finding struct {
	Severity Severity `json:"severity"`
	// Path is the file the finding is about, relative to the chart root
	// ("Chart.yaml", "templates/deployment.yaml"), or "templates/" for
	// problems of the render as a whole.
	Path string `json:"path"`
	// Line is the 1-based line in Path, 0 when no single line is to blame.
	Line int `json:"line,omitempty"`
	// DocLine is the 1-based line within the rendered document the finding
	// is about, for findings on rendered objects; set when Line could not be
	// traced back to the template source.
	DocLine int    `json:"docLine,omitempty"`
	Message string `json:"message"`
}

// String formats the finding as `helm lint` prints it:
// "[WARNING] templates/x.yaml:12: message".
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s", f.Severity, f.Path)
	if f.Line > 0 {
		fmt.Fprintf(&b, ":%d", f.Line)
	}
	b.WriteString(": ")
	b.WriteString(f.Message)
	if f.Line == 0 && f.DocLine > 0 {
		fmt.Fprintf(&b, " (line %d of the rendered document)", f.DocLine)
	}
	return b.String()
}

// Result is the outcome of linting one chart.
type Result struct {
	// Chart is the chart path as given to Lint.
	Chart    string    `json:"chart"`
	Findings []Finding `json:"findings"`
	// Strict records Options.Strict, which decides what fails.
	Strict bool `json:"strict"`
}

// Failed reports whether any finding is an error, or a warning under Strict.
func (r *Result) Failed() bool {
	return r.Highest() >= r.failAt()
}

// HasWarningsOrErrors reports whether anything above Info was found.
func (r *Result) HasWarningsOrErrors() bool { return r.Highest() > Info }

// Highest is the most severe finding, 0 when there is none.
func (r *Result) Highest() Severity {
	var max Severity
	for _, f := range r.Findings {
		if f.Severity > max {
			max = f.Severity
		}
	}
	return max
}

func (r *Result) failAt() Severity {
	if r.Strict {
		return Warning
	}
	return Error
}

// report collects findings while the checks run.
type report struct {
	findings []Finding
}

func (r *report) add(sev Severity, path string, format string, args ...any) {
	r.findings = append(r.findings, Finding{Severity: sev, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (r *report) addFinding(f Finding) { r.findings = append(r.findings, f) }

// failed reports whether an error has been recorded, so later checks that
// need a sound chart can be skipped.
func (r *report) hasError() bool {
	for _, f := range r.findings {
		if f.Severity == Error {
			return true
		}
	}
	return false
}
