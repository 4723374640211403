package yamldec

// document parses the single document that is the whole source.
func (p *parser) document() (any, error) {
	v, err := p.blockNode(-1, false)
	if err != nil {
		return nil, err
	}
	p.skipBlank()
	if p.i != len(p.lines) {
		return nil, errDecline
	}
	return v, nil
}

// blockNode parses the node that starts on the next non-blank line, which
// must be indented more than parent; a less indented line means the node is
// empty (null). seqAtParent allows a sequence at the parent's own
// indentation, as YAML does for the value of a mapping key.
func (p *parser) blockNode(parent int, seqAtParent bool) (any, error) {
	p.skipBlank()
	if p.i == len(p.lines) {
		return nil, nil
	}
	ln := p.lines[p.i]
	col := ln.start + ln.indent
	if ln.indent <= parent {
		if seqAtParent && ln.indent == parent && p.isSeqEntry(col, ln.end) {
			return p.sequence(ln.indent)
		}
		return nil, nil
	}
	if p.isSeqEntry(col, ln.end) {
		return p.sequence(ln.indent)
	}
	if _, _, isKey, err := p.key(col, ln.end); err != nil {
		return nil, err
	} else if isKey {
		return p.mapping(ln.indent, col)
	}
	return p.inlineNode(col, parent, false)
}

// sequence parses a block sequence whose dashes are at column indent.
func (p *parser) sequence(indent int) (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	seq := []any{}
	for {
		ln := p.lines[p.i]
		after := ln.start + indent + 1
		var item any
		var err error
		if p.restIsEmpty(after, ln.end) {
			p.i++
			item, err = p.blockNode(indent, false)
		} else {
			item, err = p.inlineNode(p.skipSpaces(after, ln.end), indent, true)
		}
		if err != nil {
			return nil, err
		}
		seq = append(seq, item)
		p.skipBlank()
		if p.i == len(p.lines) {
			return seq, nil
		}
		ln = p.lines[p.i]
		switch {
		case ln.indent < indent:
			return seq, nil
		case ln.indent > indent:
			return nil, errDecline
		case !p.isSeqEntry(ln.start+indent, ln.end):
			return seq, nil
		}
	}
}

// mapping parses a block mapping whose keys are at column indent; the first
// key starts at pos, which may be mid-line after a sequence dash.
func (p *parser) mapping(indent, pos int) (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	m := map[string]any{}
	for {
		ln := p.lines[p.i]
		key, after, isKey, err := p.key(pos, ln.end)
		if err != nil {
			return nil, err
		}
		if !isKey {
			return nil, errDecline
		}
		var v any
		if p.restIsEmpty(after, ln.end) {
			p.i++
			v, err = p.blockNode(indent, true)
		} else {
			v, err = p.inlineNode(p.skipSpaces(after, ln.end), indent, false)
		}
		if err != nil {
			return nil, err
		}
		if p.strict {
			if _, dup := m[key]; dup {
				return nil, errDecline
			}
		}
		m[key] = v
		p.skipBlank()
		if p.i == len(p.lines) {
			return m, nil
		}
		ln = p.lines[p.i]
		if ln.indent < indent {
			return m, nil
		}
		if ln.indent > indent {
			return nil, errDecline
		}
		pos = ln.start + indent
		if p.isSeqEntry(pos, ln.end) {
			return m, nil
		}
	}
}

// inlineNode parses a node that starts at pos on the current line, after a
// key, a dash or indentation. A mapping may start here only after a dash
// (compactMap): after a key it would be a YAML error.
func (p *parser) inlineNode(pos, parent int, compactMap bool) (any, error) {
	ln := p.lines[p.i]
	switch p.src[pos] {
	case '|', '>':
		return p.blockScalar(pos, parent)
	case '[', '{':
		v, end, err := p.flowNode(pos, ln.end)
		if err != nil {
			return nil, err
		}
		if !p.restIsEmpty(end, ln.end) {
			return nil, errDecline
		}
		p.i++
		return v, nil
	case '"', '\'':
		if _, _, isKey, err := p.key(pos, ln.end); err != nil || isKey {
			if err == nil && compactMap {
				return p.mapping(pos-ln.start, pos)
			}
			return nil, errDecline
		}
		return p.quoted(pos, parent)
	}
	if p.isSeqEntry(pos, ln.end) {
		return nil, errDecline
	}
	if _, _, isKey, err := p.key(pos, ln.end); err != nil {
		return nil, err
	} else if isKey {
		if compactMap {
			return p.mapping(pos-ln.start, pos)
		}
		return nil, errDecline
	}
	return p.plain(pos, parent)
}

// key parses a mapping key at pos: a plain or quoted scalar on one line
// followed by ": " or ":" at the end of the line. It reports isKey false
// when pos does not start a key, and errDecline for keys it leaves to
// sigs.k8s.io/yaml (non-string keys, merge keys, long keys).
func (p *parser) key(pos, end int) (key string, after int, isKey bool, err error) {
	src := p.src
	var q int
	switch c := src[pos]; c {
	case '"', '\'':
		var s string
		s, q, err = p.quotedOneLine(pos, end)
		if err != nil {
			return "", 0, false, nil // maybe a multi-line quoted scalar, not a key
		}
		if q < end && src[q] == ':' && (q+1 == end || src[q+1] == ' ') {
			return s, q + 1, true, nil
		}
		return "", 0, false, nil
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`':
		return "", 0, false, nil
	}
	for q = pos; q < end; q++ {
		switch src[q] {
		case ':':
			if q+1 == end || src[q+1] == ' ' {
				if src[q-1] == ' ' || q-pos > 1000 {
					return "", 0, false, errDecline
				}
				s := src[pos:q]
				v, ok := resolvePlain(s)
				if !ok {
					return "", 0, false, errDecline
				}
				if str, isStr := v.(string); isStr && s != "<<" {
					return str, q + 1, true, nil
				}
				return "", 0, false, errDecline
			}
		case '#':
			if src[q-1] == ' ' {
				return "", 0, false, nil
			}
		}
	}
	return "", 0, false, nil
}
