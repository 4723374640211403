package tplparse

import (
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
)

// maxParenDepth is the standard parser's limit on nested parentheses.
const maxParenDepth = 10000

// detach copies a region of a scratch stack into a slice of its own, nil
// when empty as the standard parser leaves empty lists.
func detach[T any](stack []T) []T {
	if len(stack) == 0 {
		return nil
	}
	return slices.Clone(stack)
}

// stop tells how an item list ended: at {{end}}, or at {{else}}, whose
// position an "else if" chain's list takes.
type stop struct {
	isElse bool
	pos    int
}

// definition is one {{define}} body, in the order the input gives them.
type definition struct {
	name string
	root *parse.ListNode
}

type parser struct {
	lex   lexer
	lines lineCounter
	funcs []map[string]any

	// pushed holds tokens given back to the stream, last one on top; last
	// is the token next returned most recently, so backup can give it back.
	pushed []token
	last   token

	vars       []string
	rangeDepth int
	parenDepth int
	defs       []definition

	// Scratch stacks the node lists are collected on before being copied
	// out at their final length; nested constructs use the region above
	// their parent's.
	nodeStack  []parse.Node
	cmdStack   []*parse.CommandNode
	identStack []string

	textBytes []byte // one copy of the input; text nodes are slices of it
}

func (p *parser) next() token {
	if n := len(p.pushed); n > 0 {
		p.last = p.pushed[n-1]
		p.pushed = p.pushed[:n-1]
	} else {
		p.last = p.lex.next()
	}
	return p.last
}

func (p *parser) push(t token) { p.pushed = append(p.pushed, t) }

func (p *parser) backup() { p.push(p.last) }

func (p *parser) peek() token {
	t := p.next()
	p.backup()
	return t
}

func (p *parser) nextNonSpace() token {
	for {
		if t := p.next(); t.kind != tSpace {
			return t
		}
	}
}

func (p *parser) peekNonSpace() token {
	t := p.nextNonSpace()
	p.backup()
	return t
}

func (p *parser) expect(k kind) token {
	t := p.nextNonSpace()
	if t.kind != k {
		decline()
	}
	return t
}

func (p *parser) hasFunction(name string) bool {
	for _, m := range p.funcs {
		if m != nil && m[name] != nil {
			return true
		}
	}
	return false
}

func (p *parser) newList(pos int, base int) *parse.ListNode {
	l := &parse.ListNode{NodeType: parse.NodeList, Pos: parse.Pos(pos), Nodes: detach(p.nodeStack[base:])}
	p.nodeStack = p.nodeStack[:base]
	return l
}

// file parses the top level of the input, where {{define}} may appear.
func (p *parser) file() *parse.ListNode {
	pos := p.peek().pos
	base := len(p.nodeStack)
	for p.peek().kind != tEOF {
		if p.peek().kind == tLeftDelim {
			delim := p.next()
			t := p.nextNonSpace()
			if t.kind == tDefine {
				p.define()
				continue
			}
			p.push(t)
			p.push(delim)
		}
		n, end := p.textOrAction()
		if end != nil {
			decline()
		}
		p.nodeStack = append(p.nodeStack, n)
	}
	return p.newList(pos, base)
}

// templateName reads the quoted name after define or template.
func (p *parser) templateName() (token, string) {
	t := p.nextNonSpace()
	if t.kind != tString && t.kind != tRawString {
		decline()
	}
	name, err := strconv.Unquote(t.val)
	if err != nil {
		decline()
	}
	return t, name
}

func (p *parser) define() {
	_, name := p.templateName()
	p.expect(tRightDelim)
	outer := p.vars
	p.vars = []string{"$"}
	root, end := p.itemList()
	if end.isElse {
		decline()
	}
	p.vars = outer
	p.defs = append(p.defs, definition{name, root})
}

// itemList parses text and actions up to an {{end}} or {{else}}.
func (p *parser) itemList() (*parse.ListNode, stop) {
	pos := p.peekNonSpace().pos
	base := len(p.nodeStack)
	for p.peekNonSpace().kind != tEOF {
		n, end := p.textOrAction()
		if end != nil {
			return p.newList(pos, base), *end
		}
		p.nodeStack = append(p.nodeStack, n)
	}
	decline()
	return nil, stop{}
}

func (p *parser) textOrAction() (parse.Node, *stop) {
	switch t := p.nextNonSpace(); t.kind {
	case tText:
		if len(p.textBytes) != len(p.lex.input) {
			p.textBytes = []byte(p.lex.input)
		}
		end := t.pos + len(t.val)
		return &parse.TextNode{NodeType: parse.NodeText, Pos: parse.Pos(t.pos), Text: p.textBytes[t.pos:end:end]}, nil
	case tLeftDelim:
		return p.action()
	}
	decline()
	return nil, nil
}

func (p *parser) action() (parse.Node, *stop) {
	switch t := p.nextNonSpace(); t.kind {
	case tBreak, tContinue:
		p.expect(tRightDelim)
		if p.rangeDepth == 0 {
			decline()
		}
		if t.kind == tBreak {
			return &parse.BreakNode{NodeType: parse.NodeBreak, Pos: parse.Pos(t.pos), Line: p.lines.at(t.pos)}, nil
		}
		return &parse.ContinueNode{NodeType: parse.NodeContinue, Pos: parse.Pos(t.pos), Line: p.lines.at(t.pos)}, nil
	case tElse:
		if n := p.peekNonSpace(); n.kind == tIf || n.kind == tWith {
			return nil, &stop{isElse: true, pos: n.pos}
		}
		return nil, &stop{isElse: true, pos: p.expect(tRightDelim).pos}
	case tEnd:
		return nil, &stop{pos: p.expect(tRightDelim).pos}
	case tIf:
		return p.ifControl(), nil
	case tRange:
		return p.rangeControl(), nil
	case tWith:
		return p.withControl(), nil
	case tTemplate:
		return p.templateControl(), nil
	case tBlock, tDefine:
		decline()
	}
	p.backup()
	t := p.peek()
	line := p.lines.at(t.pos)
	return &parse.ActionNode{NodeType: parse.NodeAction, Pos: parse.Pos(t.pos), Line: line, Pipe: p.pipeline("command", tRightDelim)}, nil
}

// pipeline parses optional declarations and commands up to end.
func (p *parser) pipeline(context string, end kind) *parse.PipeNode {
	t := p.peekNonSpace()
	pipe := &parse.PipeNode{NodeType: parse.NodePipe, Pos: parse.Pos(t.pos), Line: p.lines.at(t.pos)}
decls:
	if v := p.peekNonSpace(); v.kind == tVariable {
		p.next()
		after := p.peek()
		n := p.peekNonSpace()
		switch {
		case n.kind == tAssign || n.kind == tDeclare:
			pipe.IsAssign = n.kind == tAssign
			p.nextNonSpace()
			pipe.Decl = append(pipe.Decl, p.variable(v.pos, v.val))
			p.vars = append(p.vars, v.val)
		case n.kind == tChar && n.val == ",":
			p.nextNonSpace()
			pipe.Decl = append(pipe.Decl, p.variable(v.pos, v.val))
			p.vars = append(p.vars, v.val)
			if context == "range" && len(pipe.Decl) < 2 {
				switch p.peekNonSpace().kind {
				case tVariable, tRightDelim, tRightParen:
					goto decls
				}
			}
			decline()
		case after.kind == tSpace:
			p.push(after)
			p.push(v)
		default:
			p.push(v)
		}
	}
	base := len(p.cmdStack)
	for {
		switch t := p.nextNonSpace(); t.kind {
		case end:
			cmds := p.cmdStack[base:]
			if len(cmds) == 0 {
				decline()
			}
			for _, c := range cmds[1:] {
				switch c.Args[0].Type() {
				case parse.NodeBool, parse.NodeDot, parse.NodeNil, parse.NodeNumber, parse.NodeString:
					decline()
				}
			}
			pipe.Cmds = detach(cmds)
			p.cmdStack = p.cmdStack[:base]
			return pipe
		case tBool, tDot, tField, tIdentifier, tNumber, tNil, tRawString, tString, tVariable, tLeftParen:
			p.backup()
			p.cmdStack = append(p.cmdStack, p.command())
		default:
			decline()
		}
	}
}

func (p *parser) variable(pos int, name string) *parse.VariableNode {
	return &parse.VariableNode{NodeType: parse.NodeVariable, Pos: parse.Pos(pos), Ident: []string{name}}
}

// command parses space-separated operands up to a pipe, which it consumes,
// or a right delimiter or parenthesis, which it leaves.
func (p *parser) command() *parse.CommandNode {
	cmd := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: parse.Pos(p.peekNonSpace().pos)}
	base := len(p.nodeStack)
	for {
		if op := p.operand(); op != nil {
			p.nodeStack = append(p.nodeStack, op)
		}
		t := p.next()
		if t.kind == tSpace {
			continue
		}
		switch t.kind {
		case tRightDelim, tRightParen:
			p.backup()
		case tPipe:
		default:
			decline()
		}
		break
	}
	if len(p.nodeStack) == base {
		decline()
	}
	cmd.Args = detach(p.nodeStack[base:])
	p.nodeStack = p.nodeStack[:base]
	return cmd
}

// operand parses a term and the field accesses chained to it. Fields
// chained to a field or variable extend its identifier list, and the node
// then takes the position of the first chained field, as the standard
// parser does.
func (p *parser) operand() parse.Node {
	t := p.nextNonSpace()
	if t.kind == tField || t.kind == tVariable {
		return p.fieldOrVariable(t)
	}
	node := p.term(t)
	if node == nil {
		p.backup()
		return nil
	}
	if p.peek().kind != tField {
		return node
	}
	switch node.Type() {
	case parse.NodeBool, parse.NodeString, parse.NodeNumber, parse.NodeNil, parse.NodeDot:
		decline()
	}
	c := &parse.ChainNode{NodeType: parse.NodeChain, Pos: parse.Pos(p.peek().pos), Node: node}
	base := len(p.identStack)
	for p.peek().kind == tField {
		p.identStack = append(p.identStack, p.next().val[1:])
	}
	c.Field = detach(p.identStack[base:])
	p.identStack = p.identStack[:base]
	return c
}

func (p *parser) fieldOrVariable(t token) parse.Node {
	pos := t.pos
	base := len(p.identStack)
	if t.kind == tField {
		p.identStack = append(p.identStack, t.val[1:])
	} else {
		if !p.hasVar(t.val) {
			decline()
		}
		p.identStack = append(p.identStack, t.val)
	}
	if n := p.peek(); n.kind == tField {
		pos = n.pos
		for p.peek().kind == tField {
			p.identStack = append(p.identStack, p.next().val[1:])
		}
	}
	ident := detach(p.identStack[base:])
	p.identStack = p.identStack[:base]
	if t.kind == tField {
		return &parse.FieldNode{NodeType: parse.NodeField, Pos: parse.Pos(pos), Ident: ident}
	}
	return &parse.VariableNode{NodeType: parse.NodeVariable, Pos: parse.Pos(pos), Ident: ident}
}

func (p *parser) hasVar(name string) bool {
	for _, v := range p.vars {
		if v == name {
			return true
		}
	}
	return false
}

// term parses a literal, function name, dot or parenthesized pipeline
// starting with t, or returns nil when t starts none of them.
func (p *parser) term(t token) parse.Node {
	pos := parse.Pos(t.pos)
	switch t.kind {
	case tIdentifier:
		if !p.hasFunction(t.val) {
			decline()
		}
		return &parse.IdentifierNode{NodeType: parse.NodeIdentifier, Pos: pos, Ident: t.val}
	case tDot:
		return &parse.DotNode{NodeType: parse.NodeDot, Pos: pos}
	case tNil:
		return &parse.NilNode{NodeType: parse.NodeNil, Pos: pos}
	case tBool:
		return &parse.BoolNode{NodeType: parse.NodeBool, Pos: pos, True: t.val == "true"}
	case tNumber:
		n := &parse.NumberNode{NodeType: parse.NodeNumber, Pos: pos}
		setNumber(n, t.val)
		return n
	case tLeftParen:
		if p.parenDepth >= maxParenDepth {
			decline()
		}
		p.parenDepth++
		pipe := p.pipeline("parenthesized pipeline", tRightParen)
		p.parenDepth--
		return pipe
	case tString, tRawString:
		s, err := strconv.Unquote(t.val)
		if err != nil {
			decline()
		}
		return &parse.StringNode{NodeType: parse.NodeString, Pos: pos, Quoted: t.val, Text: s}
	}
	return nil
}

// control parses the pipeline, list and else list of if, range and with.
// Variables declared in the pipeline stay visible until the {{end}}.
func (p *parser) control(context string) (*parse.PipeNode, *parse.ListNode, *parse.ListNode) {
	nvars := len(p.vars)
	pipe := p.pipeline(context, tRightDelim)
	if context == "range" {
		p.rangeDepth++
	}
	list, end := p.itemList()
	if context == "range" {
		p.rangeDepth--
	}
	var elseList *parse.ListNode
	if end.isElse {
		// "{{else if x}}" and "{{else with x}}" read as "{{else}}{{if x}}"
		// whose {{end}} closes both.
		switch next := p.peek().kind; {
		case context == "if" && next == tIf:
			p.next()
			p.nodeStack = append(p.nodeStack, p.ifControl())
			elseList = p.newList(end.pos, len(p.nodeStack)-1)
		case context == "with" && next == tWith:
			p.next()
			p.nodeStack = append(p.nodeStack, p.withControl())
			elseList = p.newList(end.pos, len(p.nodeStack)-1)
		default:
			var last stop
			elseList, last = p.itemList()
			if last.isElse {
				decline()
			}
		}
	}
	p.vars = p.vars[:nvars]
	return pipe, list, elseList
}

func (p *parser) branch(context string, typ parse.NodeType) parse.BranchNode {
	pipe, list, elseList := p.control(context)
	return parse.BranchNode{NodeType: typ, Pos: pipe.Pos, Line: pipe.Line, Pipe: pipe, List: list, ElseList: elseList}
}

func (p *parser) ifControl() parse.Node {
	return &parse.IfNode{BranchNode: p.branch("if", parse.NodeIf)}
}

func (p *parser) rangeControl() parse.Node {
	return &parse.RangeNode{BranchNode: p.branch("range", parse.NodeRange)}
}

func (p *parser) withControl() parse.Node {
	return &parse.WithNode{BranchNode: p.branch("with", parse.NodeWith)}
}

func (p *parser) templateControl() parse.Node {
	t, name := p.templateName()
	n := &parse.TemplateNode{NodeType: parse.NodeTemplate, Pos: parse.Pos(t.pos), Line: p.lines.at(t.pos), Name: name}
	if p.nextNonSpace().kind != tRightDelim {
		p.backup()
		n.Pipe = p.pipeline("template clause", tRightDelim)
	}
	return n
}

// lineCounter answers "which line is this offset on" for offsets that move
// mostly forward, counting only the newlines between two queries.
type lineCounter struct {
	text string
	pos  int
	line int
}

func (c *lineCounter) at(pos int) int {
	if pos >= c.pos {
		c.line += strings.Count(c.text[c.pos:pos], "\n")
	} else {
		c.line -= strings.Count(c.text[pos:c.pos], "\n")
	}
	c.pos = pos
	return c.line
}
