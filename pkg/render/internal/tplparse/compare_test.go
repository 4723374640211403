package tplparse

import (
	"fmt"
	"reflect"
	"sort"
	"text/template/parse"
)

// diffTrees describes the first difference between two tree sets, or
// returns "" when they are the same: same names, and for each tree the same
// name, parse name, mode, source text and nodes. Nodes are compared field
// by field, unexported ones included, except the back pointer to the tree,
// which the fast parser leaves nil. Every node must also report the same
// error position, which is what text/template reads through that pointer.
func diffTrees(got, want map[string]*parse.Tree) string {
	if names(got) != names(want) {
		return fmt.Sprintf("trees %s, want %s", names(got), names(want))
	}
	for name, w := range want {
		g := got[name]
		if g.Name != w.Name || g.ParseName != w.ParseName || g.Mode != w.Mode {
			return fmt.Sprintf("tree %q: header %q/%q/%d, want %q/%q/%d", name, g.Name, g.ParseName, g.Mode, w.Name, w.ParseName, w.Mode)
		}
		if treeText(g) != treeText(w) {
			return fmt.Sprintf("tree %q: source text differs", name)
		}
		if d := diffValue(reflect.ValueOf(g.Root), reflect.ValueOf(w.Root), "Root"); d != "" {
			return fmt.Sprintf("tree %q: %s", name, d)
		}
		if d := diffPositions(g, w); d != "" {
			return fmt.Sprintf("tree %q: %s", name, d)
		}
	}
	return ""
}

func names(trees map[string]*parse.Tree) string {
	var out []string
	for n := range trees {
		out = append(out, n)
	}
	sort.Strings(out)
	return fmt.Sprint(out)
}

func treeText(t *parse.Tree) string {
	return reflect.ValueOf(t).Elem().FieldByName("text").String()
}

func diffValue(g, w reflect.Value, path string) string {
	if g.Kind() != w.Kind() {
		return fmt.Sprintf("%s: kind %s, want %s", path, g.Kind(), w.Kind())
	}
	switch w.Kind() {
	case reflect.Interface, reflect.Pointer:
		if g.IsNil() != w.IsNil() {
			return fmt.Sprintf("%s: nil is %v, want %v", path, g.IsNil(), w.IsNil())
		}
		if w.IsNil() {
			return ""
		}
		if g.Elem().Type() != w.Elem().Type() {
			return fmt.Sprintf("%s: type %s, want %s", path, g.Elem().Type(), w.Elem().Type())
		}
		return diffValue(g.Elem(), w.Elem(), path)
	case reflect.Struct:
		for i := range w.NumField() {
			f := w.Type().Field(i)
			if f.Name == "tr" {
				continue
			}
			if d := diffValue(g.Field(i), w.Field(i), path+"."+f.Name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if g.IsNil() != w.IsNil() || g.Len() != w.Len() {
			return fmt.Sprintf("%s: length %d (nil %v), want %d (nil %v)", path, g.Len(), g.IsNil(), w.Len(), w.IsNil())
		}
		for i := range w.Len() {
			if d := diffValue(g.Index(i), w.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	}
	gv, gok := scalar(g)
	wv, wok := scalar(w)
	if !gok || !wok {
		return fmt.Sprintf("%s: cannot compare kind %s", path, w.Kind())
	}
	if gv != wv {
		return fmt.Sprintf("%s: %#v, want %#v", path, gv, wv)
	}
	return ""
}

// scalar reads a value of a basic kind, exported field or not.
func scalar(v reflect.Value) (any, bool) {
	switch v.Kind() {
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int64:
		return v.Int(), true
	case reflect.Uint8, reflect.Uint64:
		return v.Uint(), true
	case reflect.Float64:
		return v.Float(), true
	case reflect.Complex128:
		return v.Complex(), true
	}
	return nil, false
}

// diffPositions checks that every node of g reports, through g, the error
// location and context its twin in w reports through w.
func diffPositions(g, w *parse.Tree) string {
	gn, wn := flatten(g.Root, nil), flatten(w.Root, nil)
	if len(gn) != len(wn) {
		return fmt.Sprintf("%d nodes, want %d", len(gn), len(wn))
	}
	for i := range wn {
		gl, gc := g.ErrorContext(gn[i])
		wl, wc := w.ErrorContext(wn[i])
		if gl != wl || gc != wc {
			return fmt.Sprintf("node %d: error context %s %q, want %s %q", i, gl, gc, wl, wc)
		}
	}
	return ""
}

func flatten(n parse.Node, out []parse.Node) []parse.Node {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return out
	}
	out = append(out, n)
	switch n := n.(type) {
	case *parse.ListNode:
		for _, c := range n.Nodes {
			out = flatten(c, out)
		}
	case *parse.ActionNode:
		out = flatten(n.Pipe, out)
	case *parse.PipeNode:
		for _, d := range n.Decl {
			out = flatten(d, out)
		}
		for _, c := range n.Cmds {
			out = flatten(c, out)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			out = flatten(a, out)
		}
	case *parse.ChainNode:
		out = flatten(n.Node, out)
	case *parse.IfNode:
		out = flattenBranch(&n.BranchNode, out)
	case *parse.RangeNode:
		out = flattenBranch(&n.BranchNode, out)
	case *parse.WithNode:
		out = flattenBranch(&n.BranchNode, out)
	case *parse.TemplateNode:
		out = flatten(n.Pipe, out)
	}
	return out
}

func flattenBranch(b *parse.BranchNode, out []parse.Node) []parse.Node {
	out = flatten(b.Pipe, out)
	out = flatten(b.List, out)
	return flatten(b.ElseList, out)
}
