package render

import (
	"regexp"
	"sync"
	"text/template"
)

// regexpCache compiles each pattern of sprig's regex functions once per
// render; sprig compiles on every call, which showed in the profiles of
// charts that call regexReplaceAll in helpers. A compiled *regexp.Regexp
// depends on nothing but its pattern, so reusing it within one render cannot
// change output. A pattern that does not compile goes to sprig's own
// function, which then fails (panics, errors or returns false) as in Helm.
type regexpCache struct {
	mu       sync.Mutex
	compiled map[string]*regexp.Regexp
}

// get returns the compiled pattern, or nil when it does not compile.
func (c *regexpCache) get(pattern string) *regexp.Regexp {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.compiled[pattern]; ok {
		return r
	}
	r, err := regexp.Compile(pattern)
	if err != nil {
		r = nil
	}
	if c.compiled == nil {
		c.compiled = map[string]*regexp.Regexp{}
	}
	c.compiled[pattern] = r
	return r
}

// bind replaces sprig's regex functions in funcs with ones that share this
// cache, keeping their signatures so that template argument conversion is
// unchanged.
func (c *regexpCache) bind(funcs template.FuncMap) {
	sprigMatch := funcs["regexMatch"].(func(string, string) bool)
	sprigMustMatch := funcs["mustRegexMatch"].(func(string, string) (bool, error))
	sprigFindAll := funcs["regexFindAll"].(func(string, string, int) []string)
	sprigMustFindAll := funcs["mustRegexFindAll"].(func(string, string, int) ([]string, error))
	sprigFind := funcs["regexFind"].(func(string, string) string)
	sprigMustFind := funcs["mustRegexFind"].(func(string, string) (string, error))
	sprigReplace := funcs["regexReplaceAll"].(func(string, string, string) string)
	sprigMustReplace := funcs["mustRegexReplaceAll"].(func(string, string, string) (string, error))
	sprigLiteral := funcs["regexReplaceAllLiteral"].(func(string, string, string) string)
	sprigMustLiteral := funcs["mustRegexReplaceAllLiteral"].(func(string, string, string) (string, error))
	sprigSplit := funcs["regexSplit"].(func(string, string, int) []string)
	sprigMustSplit := funcs["mustRegexSplit"].(func(string, string, int) ([]string, error))

	funcs["regexMatch"] = func(regex, s string) bool {
		if r := c.get(regex); r != nil {
			return r.MatchString(s)
		}
		return sprigMatch(regex, s)
	}
	funcs["mustRegexMatch"] = func(regex, s string) (bool, error) {
		if r := c.get(regex); r != nil {
			return r.MatchString(s), nil
		}
		return sprigMustMatch(regex, s)
	}
	funcs["regexFindAll"] = func(regex, s string, n int) []string {
		if r := c.get(regex); r != nil {
			return r.FindAllString(s, n)
		}
		return sprigFindAll(regex, s, n)
	}
	funcs["mustRegexFindAll"] = func(regex, s string, n int) ([]string, error) {
		if r := c.get(regex); r != nil {
			return r.FindAllString(s, n), nil
		}
		return sprigMustFindAll(regex, s, n)
	}
	funcs["regexFind"] = func(regex, s string) string {
		if r := c.get(regex); r != nil {
			return r.FindString(s)
		}
		return sprigFind(regex, s)
	}
	funcs["mustRegexFind"] = func(regex, s string) (string, error) {
		if r := c.get(regex); r != nil {
			return r.FindString(s), nil
		}
		return sprigMustFind(regex, s)
	}
	funcs["regexReplaceAll"] = func(regex, s, repl string) string {
		if r := c.get(regex); r != nil {
			return r.ReplaceAllString(s, repl)
		}
		return sprigReplace(regex, s, repl)
	}
	funcs["mustRegexReplaceAll"] = func(regex, s, repl string) (string, error) {
		if r := c.get(regex); r != nil {
			return r.ReplaceAllString(s, repl), nil
		}
		return sprigMustReplace(regex, s, repl)
	}
	funcs["regexReplaceAllLiteral"] = func(regex, s, repl string) string {
		if r := c.get(regex); r != nil {
			return r.ReplaceAllLiteralString(s, repl)
		}
		return sprigLiteral(regex, s, repl)
	}
	funcs["mustRegexReplaceAllLiteral"] = func(regex, s, repl string) (string, error) {
		if r := c.get(regex); r != nil {
			return r.ReplaceAllLiteralString(s, repl), nil
		}
		return sprigMustLiteral(regex, s, repl)
	}
	funcs["regexSplit"] = func(regex, s string, n int) []string {
		if r := c.get(regex); r != nil {
			return r.Split(s, n)
		}
		return sprigSplit(regex, s, n)
	}
	funcs["mustRegexSplit"] = func(regex, s string, n int) ([]string, error) {
		if r := c.get(regex); r != nil {
			return r.Split(s, n), nil
		}
		return sprigMustSplit(regex, s, n)
	}
}
