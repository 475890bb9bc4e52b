package config

import (
	"fmt"
	"strings"
)

// didYouMean returns " Did you mean "x"?" for the candidate nearest to
// given, or "" when none is near enough to be a likely typo.
func didYouMean(given string, candidates []string) string {
	if s := nearest(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

// nearest returns the candidate within a small edit distance of given
// (ignoring case), preferring the closest; "" when there is none.
func nearest(given string, candidates []string) string {
	best, bestDist := "", 0
	g := strings.ToLower(given)
	for _, c := range candidates {
		d := editDistance(g, strings.ToLower(c))
		limit := 2
		if len(c) <= 4 {
			limit = 1
		}
		if d <= limit && (best == "" || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b,
// in runes: Levenshtein's insertions, deletions and substitutions, plus
// the transposition of two neighbours, the commonest typo of all.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// DidYouMean is " Did you mean "x"?" for the name among candidates that
// given is a likely typo of, or "": for the errors of commands that take
// a name on the command line (an environment, a peer, a project).
func DidYouMean(given string, candidates []string) string {
	return didYouMean(given, candidates)
}

// PeerNames are the names of the Space's peers.
func (s *Space) PeerNames() []string {
	var out []string
	for _, p := range s.Peers {
		out = append(out, p.Name)
	}
	return out
}
