package yamldec

// flowNode parses a flow collection or scalar that must close on the line;
// it returns the value and the position after it.
func (p *parser) flowNode(pos, end int) (any, int, error) {
	if pos >= end {
		return nil, 0, errDecline
	}
	switch p.src[pos] {
	case '[':
		return p.flowSequence(pos+1, end)
	case '{':
		return p.flowMapping(pos+1, end)
	case '"', '\'':
		s, next, err := p.quotedOneLine(pos, end)
		return s, next, err
	}
	s, next, err := p.flowPlain(pos, end, false)
	if err != nil {
		return nil, 0, err
	}
	v, ok := resolvePlain(s)
	if !ok {
		return nil, 0, errDecline
	}
	return v, next, nil
}

func (p *parser) flowSequence(pos, end int) (any, int, error) {
	if err := p.enter(); err != nil {
		return nil, 0, err
	}
	defer p.leave()
	seq := []any{}
	q := p.skipSpaces(pos, end)
	if q < end && p.src[q] == ']' {
		return seq, q + 1, nil
	}
	for {
		v, next, err := p.flowNode(q, end)
		if err != nil {
			return nil, 0, err
		}
		seq = append(seq, v)
		var closed bool
		if q, closed, err = p.flowSeparator(next, end, ']'); err != nil || closed {
			return seq, q, err
		}
	}
}

func (p *parser) flowMapping(pos, end int) (any, int, error) {
	if err := p.enter(); err != nil {
		return nil, 0, err
	}
	defer p.leave()
	m := map[string]any{}
	q := p.skipSpaces(pos, end)
	if q < end && p.src[q] == '}' {
		return m, q + 1, nil
	}
	for {
		if q == end {
			return nil, 0, errDecline
		}
		var key string
		var next int
		var err error
		quotedKey := p.src[q] == '"' || p.src[q] == '\''
		if quotedKey {
			key, next, err = p.quotedOneLine(q, end)
		} else {
			key, next, err = p.flowPlain(q, end, true)
			if err == nil {
				v, ok := resolvePlain(key)
				s, isStr := v.(string)
				if !ok || !isStr || key == "<<" {
					return nil, 0, errDecline
				}
				key = s
			}
		}
		if err != nil {
			return nil, 0, err
		}
		q = p.skipSpaces(next, end)
		if q == end || p.src[q] != ':' {
			return nil, 0, errDecline
		}
		q++
		if q == end || (p.src[q] != ' ' && !quotedKey) {
			return nil, 0, errDecline
		}
		q = p.skipSpaces(q, end)
		if q < end && (p.src[q] == ',' || p.src[q] == '}') {
			return nil, 0, errDecline
		}
		v, next, err := p.flowNode(q, end)
		if err != nil {
			return nil, 0, err
		}
		if p.strict {
			if _, dup := m[key]; dup {
				return nil, 0, errDecline
			}
		}
		m[key] = v
		var closed bool
		if q, closed, err = p.flowSeparator(next, end, '}'); err != nil || closed {
			return m, q, err
		}
	}
}

// flowSeparator reads what follows an entry of a flow collection: its
// closing bracket (closed, and the position after it) or a comma and the
// position of the next entry. Empty entries and trailing commas are
// declined.
func (p *parser) flowSeparator(pos, end int, closing byte) (next int, closed bool, err error) {
	q := p.skipSpaces(pos, end)
	switch {
	case q == end:
		return 0, false, errDecline
	case p.src[q] == closing:
		return q + 1, true, nil
	case p.src[q] != ',':
		return 0, false, errDecline
	}
	q = p.skipSpaces(q+1, end)
	if q == end || p.src[q] == closing || p.src[q] == ',' {
		return 0, false, errDecline
	}
	return q, false, nil
}

// flowPlain scans a plain scalar inside a flow collection; a key ends at its
// colon. Other colons, question marks (YAML 1.1 ends flow scalars there)
// and anything that could be an indicator are declined.
func (p *parser) flowPlain(pos, end int, key bool) (string, int, error) {
	src := p.src
	switch src[pos] {
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '"', '\'', '-':
		return "", 0, errDecline
	}
	q := pos
	for ; q < end; q++ {
		c := src[q]
		if c == ',' || c == ']' || c == '}' || key && c == ':' {
			break
		}
		if c == ':' || c == '?' || c == '[' || c == '{' || c == '#' && src[q-1] == ' ' {
			return "", 0, errDecline
		}
	}
	stop := q
	for stop > pos && src[stop-1] == ' ' {
		stop--
	}
	if stop == pos {
		return "", 0, errDecline
	}
	return src[pos:stop], q, nil
}
