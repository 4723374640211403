package lint

import (
	"fmt"
	"net/mail"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/chart"
)

const chartFile = "Chart.yaml"

// checkChartfile checks Chart.yaml on its own, before the chart is loaded,
// so that every problem in it is reported rather than only the first one
// the loader meets.
func checkChartfile(src *source, rep *report) {
	if _, dir := src.isDir(chartFile); dir {
		rep.add(Error, chartFile, "should be a file, not a directory")
		return
	}
	data, err := src.read(chartFile)
	if err != nil {
		rep.add(Error, chartFile, "unable to read: %v", err)
		return
	}
	md := &chart.Metadata{}
	if err := yaml.Unmarshal(data, md); err != nil {
		rep.add(Error, chartFile, "unable to parse YAML\n\t%v", err)
		return
	}
	// The loader reads an unquoted 1.0 as the string "1.0"; Helm's lint
	// still wants version and appVersion written as strings.
	var raw map[string]any
	_ = yaml.Unmarshal(data, &raw)
	for _, check := range []struct {
		sev Severity
		fn  func(*chart.Metadata) error
	}{
		{Error, checkChartName},
		{Error, checkChartAPIVersion},
		{Error, func(*chart.Metadata) error { return checkStringField(raw, "version") }},
		{Error, checkChartVersion},
		{Error, func(*chart.Metadata) error { return checkStringField(raw, "appVersion") }},
		{Error, checkMaintainers},
		{Error, checkSources},
		{Info, checkIconPresent},
		{Error, checkIconURL},
		{Error, checkChartType},
		{Error, checkDependenciesAllowed},
		{Error, checkKubeVersionConstraint},
	} {
		if err := check.fn(md); err != nil {
			rep.add(check.sev, chartFile, "%v", err)
		}
	}
}

func checkChartName(md *chart.Metadata) error {
	if md.Name == "" {
		return fmt.Errorf("name is required")
	}
	if filepath.Base(md.Name) != md.Name || strings.ContainsAny(md.Name, `/\`) || md.Name == "." || md.Name == ".." {
		return fmt.Errorf("chart name %q is invalid", md.Name)
	}
	return nil
}

func checkChartAPIVersion(md *chart.Metadata) error {
	switch md.APIVersion {
	case chart.APIVersionV1, chart.APIVersionV2:
		return nil
	case "":
		return fmt.Errorf(`apiVersion is required. The value must be either "v1" or "v2"`)
	}
	return fmt.Errorf(`apiVersion '%s' is not valid. The value must be either "v1" or "v2"`, md.APIVersion)
}

func checkChartVersion(md *chart.Metadata) error {
	if md.Version == "" {
		return fmt.Errorf("version is required")
	}
	v, err := semver.NewVersion(md.Version)
	if err != nil {
		return fmt.Errorf("version '%s' is not a valid SemVer", md.Version)
	}
	// Helm's rule: above 0.0.0-0, the lowest version there is, so 0.0.0
	// passes and 0.0.0-0 does not.
	if ok, msgs := aboveLowestVersion.Validate(v); !ok && len(msgs) > 0 {
		return fmt.Errorf("version %v", msgs[0])
	}
	return nil
}

var aboveLowestVersion = func() *semver.Constraints {
	c, err := semver.NewConstraint(">0.0.0-0")
	if err != nil {
		panic(err)
	}
	return c
}()

// checkStringField fails when Chart.yaml sets key to something other than
// a string, naming the type as YAML decoding gives it (float64 for 1.0).
func checkStringField(raw map[string]any, key string) error {
	v, ok := raw[key]
	if !ok {
		return nil
	}
	if _, isString := v.(string); !isString {
		return fmt.Errorf("%s should be of type string but it's of type %T", key, v)
	}
	return nil
}

func checkMaintainers(md *chart.Metadata) error {
	for _, m := range md.Maintainers {
		switch {
		case m == nil:
			return fmt.Errorf("a maintainer entry is empty")
		case m.Name == "":
			return fmt.Errorf("each maintainer requires a name")
		case m.Email != "" && !isEmail(m.Email):
			return fmt.Errorf("invalid email '%s' for maintainer '%s'", m.Email, m.Name)
		case m.URL != "" && !isURL(m.URL):
			return fmt.Errorf("invalid url '%s' for maintainer '%s'", m.URL, m.Name)
		}
	}
	return nil
}

func checkSources(md *chart.Metadata) error {
	for _, s := range md.Sources {
		if !isRequestURL(s) {
			return fmt.Errorf("invalid source URL '%s'", s)
		}
	}
	return nil
}

func checkIconPresent(md *chart.Metadata) error {
	if md.Icon == "" {
		return fmt.Errorf("icon is recommended")
	}
	return nil
}

func checkIconURL(md *chart.Metadata) error {
	if md.Icon != "" && !isRequestURL(md.Icon) {
		return fmt.Errorf("invalid icon URL '%s'", md.Icon)
	}
	return nil
}

func checkChartType(md *chart.Metadata) error {
	if md.Type == "" {
		return nil
	}
	if md.APIVersion != chart.APIVersionV2 {
		return fmt.Errorf("chart type is not valid in apiVersion '%s'. It is valid in apiVersion '%s'", md.APIVersion, chart.APIVersionV2)
	}
	if !strings.EqualFold(md.Type, "application") && !strings.EqualFold(md.Type, "library") {
		return fmt.Errorf("chart type %q is not valid: use application or library", md.Type)
	}
	return nil
}

func checkDependenciesAllowed(md *chart.Metadata) error {
	if len(md.Dependencies) > 0 && md.APIVersion != chart.APIVersionV2 {
		return fmt.Errorf("dependencies are not valid in the Chart file with apiVersion '%s'. They are valid in apiVersion '%s'", md.APIVersion, chart.APIVersionV2)
	}
	return nil
}

func checkKubeVersionConstraint(md *chart.Metadata) error {
	if md.KubeVersion == "" {
		return nil
	}
	if _, err := semver.NewConstraint(md.KubeVersion); err != nil {
		return fmt.Errorf("kubeVersion %q is not a valid version constraint: %v", md.KubeVersion, err)
	}
	return nil
}

func isEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s
}

// isURL accepts what a browser would: a scheme is optional, a host is not.
func isURL(s string) bool {
	if strings.ContainsAny(s, " \t\n") {
		return false
	}
	candidate := s
	if !strings.Contains(s, "://") {
		candidate = "http://" + s
	}
	u, err := url.Parse(candidate)
	return err == nil && u.Host != ""
}

// isRequestURL accepts absolute URLs with a scheme.
func isRequestURL(s string) bool {
	u, err := url.ParseRequestURI(s)
	return err == nil && u.Scheme != ""
}
