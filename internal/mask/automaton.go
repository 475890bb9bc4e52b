package mask

import (
	"cmp"
	"slices"
)

// An automaton is an Aho-Corasick automaton over the byte strings to mask:
// reading a text one byte at a time, it knows after each byte the longest
// pattern ending there, in time proportional to the text whatever the
// number of patterns. An automaton is never modified once built, so
// Writers can keep using the one they started with while Add builds the
// next.
type automaton struct {
	// root holds the transitions from the root for every byte, the
	// failures already resolved: most bytes of most texts start nothing.
	root [256]int32
	// edges holds the trie's children of each node.
	edges [][]edge
	// fail is the node for the longest proper suffix of a node's string
	// that is also in the trie.
	fail []int32
	// depth is the length of a node's string: after reading a text, the
	// longest suffix of it that could still grow into a pattern.
	depth []int32
	// longest is the length of the longest pattern that is a suffix of a
	// node's string, or 0.
	longest []int32
	maxLen  int
}

type edge struct {
	b  byte
	to int32
}

// empty matches nothing.
var empty = build(nil)

func build(patterns []string) *automaton {
	a := &automaton{edges: [][]edge{nil}, fail: []int32{0}, depth: []int32{0}, longest: []int32{0}}
	for _, p := range patterns {
		a.maxLen = max(a.maxLen, len(p))
		var s int32
		for i := 0; i < len(p); i++ {
			s = a.child(s, p[i])
		}
		a.longest[s] = int32(len(p))
	}
	for _, e := range a.edges[0] {
		a.root[e.b] = e.to
	}
	// Breadth first, so every failure link points at a node already done.
	queue := []int32{0}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, e := range a.edges[u] {
			v := e.to
			if u != 0 {
				a.fail[v] = a.step(a.fail[u], e.b)
			}
			if a.longest[v] == 0 {
				a.longest[v] = a.longest[a.fail[v]]
			}
			queue = append(queue, v)
		}
	}
	return a
}

// child returns the child of s for b, adding it if missing.
func (a *automaton) child(s int32, b byte) int32 {
	for _, e := range a.edges[s] {
		if e.b == b {
			return e.to
		}
	}
	n := int32(len(a.edges))
	a.edges = append(a.edges, nil)
	a.fail = append(a.fail, 0)
	a.depth = append(a.depth, a.depth[s]+1)
	a.longest = append(a.longest, 0)
	a.edges[s] = append(a.edges[s], edge{b, n})
	return n
}

// step returns the state after reading b in state s.
func (a *automaton) step(s int32, b byte) int32 {
	for s != 0 {
		for _, e := range a.edges[s] {
			if e.b == b {
				return e.to
			}
		}
		s = a.fail[s]
	}
	return a.root[b]
}

// contains reports whether any pattern occurs in s.
func contains[T string | []byte](a *automaton, s T) bool {
	var st int32
	for i := 0; i < len(s); i++ {
		st = a.step(st, s[i])
		if a.longest[st] > 0 {
			return true
		}
	}
	return false
}

// maxKept is the largest buffer a scanner or Writer keeps between writes.
const maxKept = 64 << 10

// span is an occurrence of a pattern, as offsets in the whole stream.
type span struct{ start, end int64 }

// A scanner masks a stream fed to it in pieces. It passes on every byte
// as soon as no occurrence that is still to come could cover it: all but
// the longest tail of the input that could still begin a pattern (the
// automaton's depth), so text without secrets goes through undelayed.
//
// The result is the same however the stream is cut: occurrences are found
// in stream offsets, and a mask is written only once every occurrence that
// could overlap it is known.
type scanner struct {
	ac    *automaton
	state int32
	// pos is the number of bytes read; pending holds the bytes from
	// offset base to pos, not yet settled.
	pos, base int64
	pending   []byte
	// spans holds the occurrences not yet settled.
	spans []span
	// runEnd is the end of the occurrences covered by the last mask
	// written: one that starts before it shares that mask.
	runEnd int64
}

// feed reads p and appends to out the output it settles.
func (sc *scanner) feed(out, p []byte) []byte {
	a := sc.ac
	st, pos := sc.state, sc.pos
	for _, b := range p {
		st = a.step(st, b)
		pos++
		if l := a.longest[st]; l > 0 {
			sc.spans = append(sc.spans, span{pos - int64(l), pos})
		}
	}
	sc.state, sc.pos = st, pos
	sc.pending = append(sc.pending, p...)
	return sc.settle(out, pos-int64(a.depth[st]))
}

// flush ends the stream and appends the rest of the output to out.
func (sc *scanner) flush(out []byte) []byte {
	out = sc.settle(out, sc.pos)
	sc.state = 0
	return out
}

// switchTo goes on with the automaton a, re-reading the unsettled bytes
// with it. An occurrence of a new pattern that began in bytes already
// passed on cannot be masked any more.
func (sc *scanner) switchTo(a *automaton) {
	sc.ac, sc.state, sc.spans = a, 0, sc.spans[:0]
	pos := sc.base
	for _, b := range sc.pending {
		sc.state = a.step(sc.state, b)
		pos++
		if l := a.longest[sc.state]; l > 0 {
			sc.spans = append(sc.spans, span{pos - int64(l), pos})
		}
	}
}

// settle appends to out the output for the bytes before offset settled,
// which no occurrence still to come can reach.
func (sc *scanner) settle(out []byte, settled int64) []byte {
	if len(sc.spans) > 1 {
		slices.SortFunc(sc.spans, func(x, y span) int { return cmp.Compare(x.start, y.start) })
	}
	cursor := max(sc.base, sc.runEnd) // bytes before cursor are passed on or masked
	keep := sc.spans[:0]
	for _, sp := range sc.spans {
		switch {
		case sp.start >= settled:
			keep = append(keep, sp) // a later occurrence may still overlap it
		case sp.start < sc.runEnd:
			sc.runEnd = max(sc.runEnd, sp.end)
			cursor = max(cursor, sc.runEnd)
		default:
			out = append(out, sc.pending[cursor-sc.base:sp.start-sc.base]...)
			out = append(out, Mask...)
			sc.runEnd, cursor = sp.end, sp.end
		}
	}
	sc.spans = keep
	if cursor < settled {
		out = append(out, sc.pending[cursor-sc.base:settled-sc.base]...)
	}
	rest := sc.pending[settled-sc.base:]
	if cap(sc.pending) > maxKept && len(rest) < maxKept/2 {
		sc.pending = append([]byte(nil), rest...)
	} else {
		sc.pending = sc.pending[:copy(sc.pending, rest)]
	}
	sc.base = settled
	return out
}
