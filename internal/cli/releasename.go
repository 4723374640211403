package cli

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"
	"github.com/spf13/pflag"
)

// nameFlags are Helm's ways of naming a new release besides the NAME
// argument: --generate-name and --name-template.
type nameFlags struct {
	generate bool
	template string
}

// nameAndChart splits the arguments of install and template as Helm does:
// NAME CHART, or CHART with the name from --name-template, else def (the
// name template uses when none is given; "" for install), else generated
// by --generate-name.
func (f nameFlags) nameAndChart(args []string, def string) (name, chart string, err error) {
	if len(args) > 2 {
		return "", "", fmt.Errorf("expected at most two arguments, unexpected arguments: %s", strings.Join(args[2:], ", "))
	}
	if len(args) == 2 {
		switch {
		case f.generate:
			return "", "", errors.New("cannot set --generate-name and also specify a name")
		case f.template != "":
			return "", "", errors.New("cannot set --name-template and also specify a name")
		}
		return args[0], args[1], nil
	}
	chart = args[0]
	switch {
	case f.template != "":
		name, err = renderNameTemplate(f.template)
		return name, chart, err
	case def != "":
		return def, chart, nil
	case !f.generate:
		return "", chart, errors.New("must either provide a name or specify --generate-name")
	}
	return generateReleaseName(chart, time.Now()), chart, nil
}

// renderNameTemplate executes --name-template with Sprig's functions and
// no data, as Helm does.
func renderNameTemplate(text string) (string, error) {
	t, err := template.New("name-template").Funcs(sprig.TxtFuncMap()).Parse(text)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, nil); err != nil {
		return "", err
	}
	return b.String(), nil
}

// generateReleaseName is Helm's --generate-name: the chart reference's
// last element up to its first dot ("chart" for "."), a dash, and the Unix
// time in seconds.
func generateReleaseName(ref string, now time.Time) string {
	base := filepath.Base(ref)
	if base == "." || base == "" {
		base = "chart"
	}
	if i := strings.Index(base, "."); i != -1 {
		base = base[:i]
	}
	return fmt.Sprintf("%s-%d", base, now.Unix())
}

// releaseNamePattern and maxReleaseNameLen are Helm's rules for release
// names: a DNS-1123 subdomain of at most 53 characters (Kubernetes' 63 for
// a label, less room for suffixes charts add).
var releaseNamePattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

const maxReleaseNameLen = 53

// validateReleaseName refuses what Helm refuses, with Helm's message.
func validateReleaseName(name string) error {
	if name == "" {
		return fmt.Errorf("release name %q: no name provided", name)
	}
	if len(name) > maxReleaseNameLen || !releaseNamePattern.MatchString(name) {
		return fmt.Errorf("release name %q: invalid release name, must match regex %s and the length must not be longer than %d", name, releaseNamePattern, maxReleaseNameLen)
	}
	return nil
}

// systemLabels are the labels Helm's release storage sets itself; --labels
// may not name them.
var systemLabels = []string{"name", "owner", "status", "version", "createdAt", "modifiedAt"}

// checkLabels refuses --labels that name a system label, as Helm does
// (template included).
func checkLabels(labels map[string]string) error {
	for _, k := range systemLabels {
		if _, ok := labels[k]; ok {
			return fmt.Errorf("user supplied labels contains system reserved label name. System labels: [%s]", strings.Join(systemLabels, " "))
		}
	}
	return nil
}

func (f *nameFlags) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&f.generate, "generate-name", "g", false, "generate the name (and omit the NAME parameter)")
	fs.StringVar(&f.template, "name-template", "", "specify template used to name the release")
}
