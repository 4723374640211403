package tplparse

import (
	"strings"
	"text/template/parse"
)

// Parse returns what parse.Parse(name, text, "", "", funcs...) returns: the
// tree of text under name and one tree per {{define}}, or the standard
// parser's error. Trees built here differ from the standard parser's only
// in that their nodes do not point back at their tree, which text/template
// never needs: it asks the tree being executed for error positions.
func Parse(name, text string, funcs ...map[string]any) (map[string]*parse.Tree, error) {
	if trees, ok := parseFast(name, text, funcs); ok {
		return trees, nil
	}
	return parse.Parse(name, text, "", "", funcs...)
}

// seedDelim never occurs in a template (parseFast checks), so parsing with
// it as the left delimiter yields a one-node tree whose only use is to carry
// the source text, which error messages read and no exported field sets.
const seedDelim = "\x00\x00kpkg-seed\x00"

func parseFast(name, text string, funcs []map[string]any) (trees map[string]*parse.Tree, ok bool) {
	if strings.Contains(text, seedDelim) {
		return nil, false
	}
	p := &parser{
		lex:   lexer{input: text},
		lines: lineCounter{text: text, line: 1},
		funcs: funcs,
		vars:  []string{"$"},
	}
	// Identifiers named break or continue are functions, not keywords,
	// when the function maps define them.
	if p.hasFunction("break") || p.hasFunction("continue") {
		return nil, false
	}
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(declined); !is {
				panic(r)
			}
			trees, ok = nil, false
		}
	}()
	seed := parse.New(name)
	if _, err := seed.Parse(text, seedDelim, seedDelim, map[string]*parse.Tree{}); err != nil {
		return nil, false
	}
	// The seed's one text node already holds a copy of the input; text
	// nodes share it instead of copying their text again.
	if len(seed.Root.Nodes) == 1 {
		if n, is := seed.Root.Nodes[0].(*parse.TextNode); is {
			p.textBytes = n.Text
		}
	}
	seed.Root = nil
	root := p.file()
	trees = make(map[string]*parse.Tree, len(p.defs)+1)
	for _, d := range p.defs {
		t := new(parse.Tree)
		*t = *seed
		t.Name, t.Root = d.name, d.root
		if !add(trees, t) {
			return nil, false
		}
	}
	seed.Root = root
	if !add(trees, seed) {
		return nil, false
	}
	return trees, true
}

// add files t under its name as the standard parser does: it replaces an
// earlier tree that is empty, is dropped if it is empty itself, and two
// non-empty trees of one name are an error, which the caller leaves to the
// standard parser to report.
func add(trees map[string]*parse.Tree, t *parse.Tree) bool {
	old := trees[t.Name]
	if old == nil || parse.IsEmptyTree(old.Root) {
		trees[t.Name] = t
		return true
	}
	return parse.IsEmptyTree(t.Root)
}
