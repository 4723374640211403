package repo

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kpkg/kpkg/pkg/chart"
)

// Helm reads index.yaml with sigs.k8s.io/yaml.UnmarshalStrict: YAML to
// generic values, those to JSON, and JSON into its structs with unknown
// fields refused. The functions here take the generic value of one chart's
// entry, as yamldec yields it, and fill a ChartVersions as encoding/json
// would from that JSON: keys in sorted order (json.Marshal's), matched to
// fields exactly or else case-insensitively, null leaving a field as it is,
// and any unknown key or mistyped value an error. An error sends the caller
// to Helm's own route, which then reports it in Helm's words.

// jsonField is one JSON field of a struct T: its name and how to set it.
type jsonField[T any] struct {
	name string
	set  func(dst T, v any) error
}

// decodeObject fills dst from the JSON object m.
func decodeObject[T any](m map[string]any, fields []jsonField[T], dst T) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := lookupField(fields, k)
		if f == nil {
			return fmt.Errorf("json: unknown field %q", k)
		}
		if err := f.set(dst, m[k]); err != nil {
			return fmt.Errorf("field %q: %w", k, err)
		}
	}
	return nil
}

// lookupField finds key's field as encoding/json does: an exact match, or
// else one equal under Unicode case folding.
func lookupField[T any](fields []jsonField[T], key string) *jsonField[T] {
	for i := range fields {
		if fields[i].name == key {
			return &fields[i]
		}
	}
	for i := range fields {
		if strings.EqualFold(fields[i].name, key) {
			return &fields[i]
		}
	}
	return nil
}

// typeError is a JSON value of the wrong kind for its field.
func typeError(v any, want string) error {
	kind := "object"
	switch v.(type) {
	case string:
		kind = "string"
	case float64:
		kind = "number"
	case bool:
		kind = "bool"
	case []any:
		kind = "array"
	}
	return fmt.Errorf("json: cannot unmarshal %s into a value of type %s", kind, want)
}

func setString(p *string, v any) error {
	switch t := v.(type) {
	case nil:
	case string:
		*p = t
	default:
		return typeError(v, "string")
	}
	return nil
}

func setBool(p *bool, v any) error {
	switch t := v.(type) {
	case nil:
	case bool:
		*p = t
	default:
		return typeError(v, "bool")
	}
	return nil
}

func setStrings(p *[]string, v any) error {
	switch t := v.(type) {
	case nil:
		*p = nil
	case []any:
		out := make([]string, len(t))
		for i, e := range t {
			if err := setString(&out[i], e); err != nil {
				return err
			}
		}
		*p = out
	default:
		return typeError(v, "[]string")
	}
	return nil
}

// setStringMap merges into an existing map, as encoding/json does.
func setStringMap(p *map[string]string, v any) error {
	switch t := v.(type) {
	case nil:
		*p = nil
	case map[string]any:
		if *p == nil {
			*p = make(map[string]string, len(t))
		}
		for k, e := range t {
			var s string
			if err := setString(&s, e); err != nil {
				return err
			}
			(*p)[k] = s
		}
	default:
		return typeError(v, "map[string]string")
	}
	return nil
}

func setAnys(p *[]any, v any) error {
	switch t := v.(type) {
	case nil:
		*p = nil
	case []any:
		*p = t
	default:
		return typeError(v, "[]interface {}")
	}
	return nil
}

// setTime parses as time.Time's UnmarshalJSON does: null is no change,
// anything but an RFC 3339 string an error.
func setTime(p *time.Time, v any) error {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		quoted, err := json.Marshal(t)
		if err != nil {
			return err
		}
		return p.UnmarshalJSON(quoted)
	}
	return typeError(v, "time.Time")
}

// setObjects decodes an array of objects into pointers; null elements stay
// nil, as encoding/json leaves them.
func setObjects[T any](p *[]*T, v any, fields []jsonField[*T]) error {
	switch t := v.(type) {
	case nil:
		*p = nil
	case []any:
		out := make([]*T, len(t))
		for i, e := range t {
			switch o := e.(type) {
			case nil:
			case map[string]any:
				out[i] = new(T)
				if err := decodeObject(o, fields, out[i]); err != nil {
					return err
				}
			default:
				return typeError(e, "struct")
			}
		}
		*p = out
	default:
		return typeError(v, "[]struct")
	}
	return nil
}

var maintainerFields = []jsonField[*chart.Maintainer]{
	{"name", func(m *chart.Maintainer, v any) error { return setString(&m.Name, v) }},
	{"email", func(m *chart.Maintainer, v any) error { return setString(&m.Email, v) }},
	{"url", func(m *chart.Maintainer, v any) error { return setString(&m.URL, v) }},
}

var dependencyFields = []jsonField[*chart.Dependency]{
	{"name", func(d *chart.Dependency, v any) error { return setString(&d.Name, v) }},
	{"version", func(d *chart.Dependency, v any) error { return setString(&d.Version, v) }},
	{"repository", func(d *chart.Dependency, v any) error { return setString(&d.Repository, v) }},
	{"condition", func(d *chart.Dependency, v any) error { return setString(&d.Condition, v) }},
	{"tags", func(d *chart.Dependency, v any) error { return setStrings(&d.Tags, v) }},
	{"enabled", func(d *chart.Dependency, v any) error { return setBool(&d.Enabled, v) }},
	{"import-values", func(d *chart.Dependency, v any) error { return setAnys(&d.ImportValues, v) }},
	{"alias", func(d *chart.Dependency, v any) error { return setString(&d.Alias, v) }},
}

// md is cv's metadata, created on first use as encoding/json creates an
// embedded pointer.
func md(cv *ChartVersion) *chart.Metadata {
	if cv.Metadata == nil {
		cv.Metadata = &chart.Metadata{}
	}
	return cv.Metadata
}

// versionFields are ChartVersion's JSON fields, chart.Metadata's promoted.
var versionFields = []jsonField[*ChartVersion]{
	{"name", func(c *ChartVersion, v any) error { return setString(&md(c).Name, v) }},
	{"home", func(c *ChartVersion, v any) error { return setString(&md(c).Home, v) }},
	{"sources", func(c *ChartVersion, v any) error { return setStrings(&md(c).Sources, v) }},
	{"version", func(c *ChartVersion, v any) error { return setString(&md(c).Version, v) }},
	{"description", func(c *ChartVersion, v any) error { return setString(&md(c).Description, v) }},
	{"keywords", func(c *ChartVersion, v any) error { return setStrings(&md(c).Keywords, v) }},
	{"maintainers", func(c *ChartVersion, v any) error {
		return setObjects(&md(c).Maintainers, v, maintainerFields)
	}},
	{"icon", func(c *ChartVersion, v any) error { return setString(&md(c).Icon, v) }},
	{"apiVersion", func(c *ChartVersion, v any) error { return setString(&md(c).APIVersion, v) }},
	{"condition", func(c *ChartVersion, v any) error { return setString(&md(c).Condition, v) }},
	{"tags", func(c *ChartVersion, v any) error { return setString(&md(c).Tags, v) }},
	{"appVersion", func(c *ChartVersion, v any) error { return setString(&md(c).AppVersion, v) }},
	{"deprecated", func(c *ChartVersion, v any) error { return setBool(&md(c).Deprecated, v) }},
	{"annotations", func(c *ChartVersion, v any) error { return setStringMap(&md(c).Annotations, v) }},
	{"kubeVersion", func(c *ChartVersion, v any) error { return setString(&md(c).KubeVersion, v) }},
	{"dependencies", func(c *ChartVersion, v any) error {
		return setObjects(&md(c).Dependencies, v, dependencyFields)
	}},
	{"type", func(c *ChartVersion, v any) error { return setString(&md(c).Type, v) }},
	{"urls", func(c *ChartVersion, v any) error { return setStrings(&c.URLs, v) }},
	{"created", func(c *ChartVersion, v any) error { return setTime(&c.Created, v) }},
	{"removed", func(c *ChartVersion, v any) error { return setBool(&c.Removed, v) }},
	{"digest", func(c *ChartVersion, v any) error { return setString(&c.Digest, v) }},
	{"checksum", func(c *ChartVersion, v any) error { return setString(&c.ChecksumDeprecated, v) }},
	{"engine", func(c *ChartVersion, v any) error { return setString(&c.EngineDeprecated, v) }},
	{"tillerVersion", func(c *ChartVersion, v any) error { return setString(&c.TillerVersionDeprecated, v) }},
	{"url", func(c *ChartVersion, v any) error { return setString(&c.URLDeprecated, v) }},
}

// chartVersionsFromJSON is one chart's list of versions, null elements
// kept as nil for the validation that follows to drop.
func chartVersionsFromJSON(v any) (ChartVersions, error) {
	var out []*ChartVersion
	if err := setObjects(&out, v, versionFields); err != nil {
		return nil, err
	}
	return out, nil
}
