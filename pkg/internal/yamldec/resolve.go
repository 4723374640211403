package yamldec

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// yamlFloat is the float syntax go.yaml.in/yaml/v2 accepts for plain
// scalars.
var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// resolvePlain returns what a plain scalar becomes after go.yaml.in/yaml/v2
// resolves it (YAML 1.1: yes/no/on/off are booleans, 0x and 0 prefixes are
// integers) and sigs.k8s.io/yaml passes it through JSON (every number is a
// float64). It declines values JSON cannot carry (NaN, infinities) and the
// merge key.
func resolvePlain(s string) (any, bool) {
	if s == "" {
		return nil, true
	}
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return true, true
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return false, true
	case "~", "null", "Null", "NULL":
		return nil, true
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<":
		return nil, false
	}
	switch c := s[0]; {
	case c == '.':
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return finite(f)
		}
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		return resolveNumber(s)
	}
	return s, true
}

func resolveNumber(s string) (any, bool) {
	plain := strings.ReplaceAll(s, "_", "")
	if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return float64(i), true
	}
	if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return float64(u), true
	}
	if yamlFloat.MatchString(plain) {
		if f, err := strconv.ParseFloat(plain, 64); err == nil {
			return finite(f)
		}
	}
	if strings.HasPrefix(plain, "0b") {
		if i, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
			return float64(i), true
		}
		if u, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
			return float64(u), true
		}
	} else if strings.HasPrefix(plain, "-0b") {
		if i, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
			return float64(i), true
		}
	}
	return s, true
}

func finite(f float64) (any, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	return f, true
}
