package repo

import "bytes"

// splitIndex cuts a block-style index.yaml into its top-level part (every
// key but entries) and one piece per chart under "entries:". Pieces share
// data's memory. ok is false for any layout it does not recognise (flow
// style, tabs, several documents, odd indentation), and the caller then
// decodes the whole document instead.
func splitIndex(data []byte) (head []byte, chunks [][]byte, ok bool) {
	var headBuf bytes.Buffer
	inEntries := false
	indent := -1
	start := -1 // start of the chunk being collected
	closeChunk := func(end int) {
		if start >= 0 {
			chunks = append(chunks, data[start:end])
			start = -1
		}
	}
	for pos := 0; pos < len(data); {
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += pos + 1
		}
		line := data[pos:end]
		lineStart := pos
		pos = end

		trimmed := bytes.TrimLeft(line, " ")
		depth := len(line) - len(trimmed)
		content := bytes.TrimRight(trimmed, " \r\n")
		switch {
		case len(content) == 0 || content[0] == '#':
			if !inEntries {
				headBuf.Write(line)
			}
			continue
		case content[0] == '\t' || bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("...")):
			return nil, nil, false
		}
		if depth == 0 {
			closeChunk(lineStart)
			inEntries = false
			if isEntriesKey(content) {
				if indent >= 0 {
					return nil, nil, false // a second entries key
				}
				inEntries = true
				continue
			}
			headBuf.Write(line)
			continue
		}
		if !inEntries {
			headBuf.Write(line)
			continue
		}
		if indent < 0 {
			indent = depth
		}
		switch {
		case depth < indent:
			return nil, nil, false
		case depth == indent && content[0] == '-' && (len(content) == 1 || content[1] == ' '):
			if start < 0 {
				return nil, nil, false // a sequence where chart names belong
			}
		case depth == indent:
			if content[0] == '?' || content[len(content)-1] != ':' {
				return nil, nil, false // not a "name:" key owning a block
			}
			closeChunk(lineStart)
			start = lineStart
		case start < 0:
			return nil, nil, false
		}
	}
	closeChunk(len(data))
	if indent < 0 {
		return nil, nil, false // no block-style entries to split
	}
	return headBuf.Bytes(), chunks, true
}

// isEntriesKey matches "entries:" with nothing after it but a comment,
// which YAML starts only after a space ("entries:#x" is a plain scalar).
func isEntriesKey(content []byte) bool {
	rest, found := bytes.CutPrefix(content, []byte("entries:"))
	if !found {
		return false
	}
	trimmed := bytes.TrimSpace(rest)
	return len(trimmed) == 0 || trimmed[0] == '#' && (rest[0] == ' ' || rest[0] == '\t')
}
