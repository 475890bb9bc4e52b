package extract

import (
	"fmt"
	"path"
	"strings"
)

// A glob is a compiled Substitute pattern: slash-separated segments, each
// matched against one path segment with [path.Match], except "**", which
// matches any number of segments, none included.
type glob struct {
	text string
	segs []string
}

// CheckPattern reports why a Substitute pattern would be refused when the
// package is deployed, so that validate says so first.
func CheckPattern(pattern string) error {
	_, err := compileGlob(pattern)
	return err
}

func compileGlob(pattern string) (glob, error) {
	p := pattern
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	switch {
	case p == "":
		return glob{}, fmt.Errorf("substitute pattern %q is empty", pattern)
	case strings.HasPrefix(p, "/"):
		return glob{}, fmt.Errorf("substitute pattern %q is absolute; patterns are paths inside the package", pattern)
	}
	segs := strings.Split(p, "/")
	for _, s := range segs {
		switch s {
		case "":
			return glob{}, fmt.Errorf("substitute pattern %q has an empty path segment", pattern)
		case ".", "..":
			return glob{}, fmt.Errorf("substitute pattern %q has a %q segment", pattern, s)
		case "**":
			continue
		}
		if _, err := path.Match(s, ""); err != nil {
			return glob{}, fmt.Errorf("substitute pattern %q: %w", pattern, err)
		}
	}
	return glob{text: pattern, segs: segs}, nil
}

// match reports whether name, a cleaned slash-separated path, matches g.
// It runs in time proportional to len(g.segs)*segments(name), so a pattern
// full of "**" cannot make it backtrack exponentially.
func (g glob) match(name string) bool {
	names := strings.Split(name, "/")
	n := len(names)
	// next[j] reports whether g.segs[i+1:] matches names[j:]; cur the same
	// for g.segs[i:].
	next := make([]bool, n+1)
	cur := make([]bool, n+1)
	next[n] = true
	for i := len(g.segs) - 1; i >= 0; i-- {
		seg := g.segs[i]
		for j := n; j >= 0; j-- {
			if seg == "**" {
				cur[j] = next[j] || (j < n && cur[j+1])
				continue
			}
			cur[j] = false
			if j < n && next[j+1] {
				ok, _ := path.Match(seg, names[j]) // validated by compileGlob
				cur[j] = ok
			}
		}
		next, cur = cur, next
	}
	return next[0]
}
