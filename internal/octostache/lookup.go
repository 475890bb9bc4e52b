package octostache

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lookup is where a template's variables come from. Names are
// case-insensitive: Get("octopus.environment.name") finds the variable
// declared as "Octopus.Environment.Name".
type Lookup interface {
	// Get returns the raw value of the variable called name. The value
	// may itself hold #{...} expressions; the evaluator expands them.
	Get(name string) (value string, ok bool)
	// Names lists the names of the variables whose name starts with
	// prefix, compared without regard to case, in a stable order. #{each}
	// iterates the keys of an indexed collection (List[key].Prop) in the
	// order Names gives them.
	Names(prefix string) []string
}

// Vars is a Lookup over a plain map, for small variable sets and tests.
// A name that is not a key as written is looked for among the keys
// without regard to case, which costs a pass over the map; where two keys
// differ only in case, the one that sorts first wins. Names are listed in
// order without regard to case, as NewLookup lists them. For a large set
// evaluated many times use NewLookup.
type Vars map[string]string

// Get returns the value of name, compared without regard to case.
func (v Vars) Get(name string) (string, bool) {
	if s, ok := v[name]; ok {
		return s, true
	}
	var best, value string
	found := false
	for k, s := range v {
		if strings.EqualFold(k, name) && (!found || k < best) {
			best, value, found = k, s, true
		}
	}
	return value, found
}

// Names lists the keys that start with prefix, compared without regard to
// case, in order without regard to case.
func (v Vars) Names(prefix string) []string {
	var names []foldedName
	for k := range v {
		if hasPrefixFold(k, prefix) {
			names = append(names, foldedName{foldKey(k), k})
		}
	}
	sortNames(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n.name
	}
	return out
}

// sortNames orders names by their folded form, then as written.
func sortNames(names []foldedName) {
	sort.Slice(names, func(i, j int) bool {
		if names[i].folded != names[j].folded {
			return names[i].folded < names[j].folded
		}
		return names[i].name < names[j].name
	})
}

// NewLookup returns a Lookup over vars with a case-folded index, so that
// every Get is one or two map look-ups and Names is a binary search. The
// map is copied; later changes to it are not seen. Where two keys differ
// only in case, the one that sorts first wins. Names are listed in order
// without regard to case.
func NewLookup(vars map[string]string) Lookup {
	ix := &index{
		exact:  make(map[string]string, len(vars)),
		folded: make(map[string]string, len(vars)),
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ix.exact[k] = vars[k]
		f := foldKey(k)
		if _, dup := ix.folded[f]; dup {
			continue
		}
		ix.folded[f] = vars[k]
		ix.names = append(ix.names, foldedName{f, k})
	}
	sortNames(ix.names)
	return ix
}

type index struct {
	exact  map[string]string // names as declared
	folded map[string]string // foldKey(name) → value
	names  []foldedName      // sorted by folded
}

type foldedName struct{ folded, name string }

func (ix *index) Get(name string) (string, bool) {
	if v, ok := ix.exact[name]; ok {
		return v, true
	}
	v, ok := ix.folded[foldKey(name)]
	return v, ok
}

func (ix *index) Names(prefix string) []string {
	p := foldKey(prefix)
	i := sort.Search(len(ix.names), func(i int) bool { return ix.names[i].folded >= p })
	var names []string
	for ; i < len(ix.names) && strings.HasPrefix(ix.names[i].folded, p); i++ {
		names = append(names, ix.names[i].name)
	}
	return names
}

// foldKey maps s to a form in which two names are equal exactly when
// strings.EqualFold says they are: every rune becomes the smallest rune of
// its simple case-folding orbit. ASCII takes a fast path and a name that is
// already folded is returned without copying.
func foldKey(s string) string {
	ascii, upper := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if ascii {
		if !upper {
			return s
		}
		b := []byte(s)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune returns the smallest rune that case-folds to the same orbit as r.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		if r != 'k' && r != 's' { // 'k' and 's' share orbits with K (U+212A) and ſ (U+017F)
			return r
		}
	}
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	if 'A' <= min && min <= 'Z' {
		// Prefer lower case for readability; it is as canonical as the minimum.
		return min + 'a' - 'A'
	}
	return min
}

// hasPrefixFold reports whether s starts with prefix, compared without
// regard to case.
func hasPrefixFold(s, prefix string) bool {
	n := utf8.RuneCountInString(prefix)
	i := 0
	for j := 0; j < n; j++ {
		if i >= len(s) {
			return false
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return strings.EqualFold(s[:i], prefix)
}

// skipRunes returns s without its first n runes.
func skipRunes(s string, n int) string {
	i := 0
	for j := 0; j < n && i < len(s); j++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[i:]
}
