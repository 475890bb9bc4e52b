package config

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Ref is a name written in the configuration, with where it was written, so
// a check that finds it broken can point at it.
type Ref struct {
	Name  string
	Range hcl.Range
}

// Is reports whether the reference names n, ignoring case as names are
// matched across Spaces.
func (r Ref) Is(n string) bool { return strings.EqualFold(r.Name, n) }

// HasName reports whether names holds n, ignoring case as names are
// matched across Spaces.
func HasName(names []string, n string) bool {
	for _, x := range names {
		if strings.EqualFold(x, n) {
			return true
		}
	}
	return false
}

// Names returns the names of refs in order.
func Names(refs []Ref) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Name
	}
	return out
}

// fold is the key under which a name is compared with others.
func fold(name string) string { return strings.ToLower(name) }
