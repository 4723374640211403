package render

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/Masterminds/sprig/v3"
)

// call invokes fn with args and returns its results, or the panic value.
func call(fn any, args ...any) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = fmt.Sprintf("panic: %v", r)
		}
	}()
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		in[i] = reflect.ValueOf(a)
	}
	var parts []any
	for _, v := range reflect.ValueOf(fn).Call(in) {
		if err, ok := v.Interface().(error); ok {
			parts = append(parts, "error: "+err.Error())
			continue
		}
		parts = append(parts, v.Interface())
	}
	return fmt.Sprintf("%#v", parts)
}

func TestRegexpCacheMatchesSprig(t *testing.T) {
	funcs := sprig.TxtFuncMap()
	cached := sprig.TxtFuncMap()
	(&regexpCache{}).bind(cached)
	patterns := []string{`a+`, `^(\w+)-(\d+)$`, `[`, `(?P<x>b)`, ``, `\s+`}
	inputs := []string{"", "aaa-123", "b a  b", "x-1\ny-2"}
	for round := 0; round < 2; round++ { // the second round hits the cache
		for _, p := range patterns {
			for _, s := range inputs {
				for _, c := range []struct {
					name string
					args []any
				}{
					{"regexMatch", []any{p, s}},
					{"mustRegexMatch", []any{p, s}},
					{"regexFindAll", []any{p, s, -1}},
					{"mustRegexFindAll", []any{p, s, 1}},
					{"regexFind", []any{p, s}},
					{"mustRegexFind", []any{p, s}},
					{"regexReplaceAll", []any{p, s, "<$1>"}},
					{"mustRegexReplaceAll", []any{p, s, "${x}"}},
					{"regexReplaceAllLiteral", []any{p, s, "$1"}},
					{"mustRegexReplaceAllLiteral", []any{p, s, "$1"}},
					{"regexSplit", []any{p, s, -1}},
					{"mustRegexSplit", []any{p, s, 2}},
				} {
					want := call(funcs[c.name], c.args...)
					if got := call(cached[c.name], c.args...); got != want {
						t.Errorf("%s%q: got %s, sprig gives %s", c.name, c.args, got, want)
					}
				}
			}
		}
	}
}
