package plugin

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"sigs.k8s.io/yaml"
)

// validName is Helm's rule for plugin names.
var validName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// maxMetadataSize bounds plugin.yaml; real ones are under a kilobyte.
const maxMetadataSize = 1 << 20

// LoadDir reads the plugin in dir. Unknown fields are errors, as in Helm,
// and so is a name with characters other than ASCII letters, digits, "_"
// and "-".
func LoadDir(dir string) (*Plugin, error) {
	file := filepath.Join(dir, FileName)
	data, err := readBounded(file, maxMetadataSize)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			err = ErrNotPlugin
		}
		return nil, &LoadError{File: file, Err: err}
	}
	var md *Metadata
	// sigs.k8s.io/yaml with strict decoding is what Helm uses, so the
	// same files are accepted (field names match case-insensitively,
	// scalars convert to string fields) and the same ones refused.
	if err := yaml.UnmarshalStrict(data, &md); err != nil {
		return nil, &LoadError{File: file, Err: err}
	}
	if md == nil {
		md = &Metadata{}
	}
	p := &Plugin{Metadata: *md, Dir: dir}
	if err := p.validate(file); err != nil {
		return nil, err
	}
	return p, nil
}

// validate checks the name, cleans the usage line and records the
// warnings Helm prints for conflicting fields.
func (p *Plugin) validate(file string) error {
	md := &p.Metadata
	if !validName.MatchString(md.Name) {
		return &LoadError{File: file, Field: "name",
			Err: fmt.Errorf("%q is not a valid plugin name: use only ASCII letters, digits, \"_\" and \"-\"", md.Name)}
	}
	md.Usage = printable(md.Usage)
	if len(md.PlatformCommand) > 0 && md.Command != "" {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s sets both platformCommand and command; command is ignored", file))
	}
	if len(md.PlatformHooks) > 0 && len(md.Hooks) > 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s sets both platformHooks and hooks; hooks apply only to events platformHooks does not list", file))
	}
	return nil
}

// printable turns whitespace into spaces and drops other non-printable
// characters, so a usage line cannot break help output.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsPrint(r):
			return r
		}
		return -1
	}, s)
}

// readBounded reads a regular file of at most max bytes.
func readBounded(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > max {
		return nil, fmt.Errorf("file is %d bytes, more than the %d allowed", st.Size(), max)
	}
	return os.ReadFile(name)
}
