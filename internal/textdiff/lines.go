package textdiff

import "bytes"

// splitLines returns the lines of text, each with its terminating newline;
// the last line lacks one when text does not end in a newline.
func splitLines(text []byte) [][]byte {
	lines := make([][]byte, 0, bytes.Count(text, []byte("\n"))+1)
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n') + 1
		if i == 0 {
			i = len(text)
		}
		lines = append(lines, text[:i])
		text = text[i:]
	}
	return lines
}

// intern numbers the distinct lines of a and b, so that the diff compares
// integers rather than byte slices. Equal lines get equal numbers; a last
// line without a newline never equals the same text with one.
func intern(a, b [][]byte) (ia, ib []int) {
	ids := make(map[string]int, len(a)+len(b))
	number := func(lines [][]byte) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[string(l)]
			if !ok {
				id = len(ids)
				ids[string(l)] = id
			}
			out[i] = id
		}
		return out
	}
	return number(a), number(b)
}
