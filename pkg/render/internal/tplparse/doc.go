// Package tplparse parses Go templates into the same text/template/parse
// trees the standard library builds, with far less work per action.
//
// Helm parses every template of a chart on every render, and on large charts
// (kube-prometheus-stack has 1.7 MB of templates and 21,000 actions) the
// standard parser is the largest single cost: its lexer runs a state machine
// of function values over runes, one call per state, and copies every text
// segment. This parser's lexer is one switch over bytes, computes line
// numbers only for the tokens that need them, and text nodes share one copy
// of the input.
//
// It covers what charts contain and declines everything else: non-ASCII text
// inside actions, character and complex constants, {{block}}, comments kept
// as nodes, and every input the standard parser rejects. A declined template
// goes through text/template/parse itself, so every error message and every
// corner of the template language stay the standard library's. Differential
// tests and a fuzz test compare the trees of both parsers node by node.
package tplparse
