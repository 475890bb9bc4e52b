package variables

import (
	"maps"
	"slices"
	"strings"
)

// EnvName returns the name under which the variable name is put in a child
// process's environment: every character outside [A-Za-z0-9_] becomes '_'
// and a leading digit gets a '_' before it, so Octopus.Environment.Name is
// Octopus_Environment_Name.
func EnvName(name string) string {
	var b strings.Builder
	b.Grow(len(name) + 1)
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		b.WriteByte('_')
	}
	for _, r := range name {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Environ returns "NAME=value" for every variable, under its EnvName, sorted
// by NAME: the environment of a step's child process. Where two variables
// share an EnvName, a built-in wins, then a variable whose name already is
// that EnvName, then the first in the order of All; the others are left
// out, since a process sees one value per name.
func (s *Set) Environ() []string {
	type pick struct {
		v     Value
		score int
	}
	chosen := map[string]pick{}
	for _, v := range s.All() {
		n := EnvName(v.Name)
		score := 0
		switch {
		case v.Source == builtinSource:
			score = 2
		case n == v.Name:
			score = 1
		}
		if p, ok := chosen[n]; !ok || score > p.score {
			chosen[n] = pick{v, score}
		}
	}
	names := slices.Sorted(maps.Keys(chosen))
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + "=" + chosen[n].v.Value
	}
	return out
}
