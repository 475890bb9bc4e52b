// Package semver parses and orders Semantic Versions 2.0.0
// (https://semver.org), strictly: MAJOR.MINOR.PATCH with no leading zeros
// and no "v" prefix, an optional pre-release and optional build metadata.
// Package versions in the store and release versions both use it.
package semver

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Version is a parsed Semantic Version.
type Version struct {
	Major, Minor, Patch uint64
	Pre                 []string // pre-release identifiers, e.g. ["rc", "1"]; empty for a release
	Build               []string // build metadata identifiers; ignored by Compare
}

// Parse reads s as a Semantic Version 2.0.0. It accepts exactly the
// grammar of semver.org: numeric parts without leading zeros, pre-release
// and build identifiers of [0-9A-Za-z-], numeric pre-release identifiers
// without leading zeros.
func Parse(s string) (Version, error) {
	var v Version
	if s == "" {
		return v, errors.New("empty version: want MAJOR.MINOR.PATCH, e.g. 1.4.0")
	}
	if (s[0] == 'v' || s[0] == 'V') && len(s) > 1 {
		if _, err := Parse(s[1:]); err == nil {
			return v, fmt.Errorf("invalid version %q: write it without the leading v, as %s", s, s[1:])
		}
	}
	rest := s
	if i := strings.IndexByte(rest, '+'); i >= 0 {
		build, err := identifiers(s, "build metadata", rest[i+1:], false)
		if err != nil {
			return Version{}, err
		}
		v.Build = build
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '-'); i >= 0 {
		pre, err := identifiers(s, "pre-release", rest[i+1:], true)
		if err != nil {
			return Version{}, err
		}
		v.Pre = pre
		rest = rest[:i]
	}
	core := strings.Split(rest, ".")
	if len(core) != 3 {
		return Version{}, fmt.Errorf("invalid version %q: want MAJOR.MINOR.PATCH, e.g. 1.4.0", s)
	}
	for i, p := range []*uint64{&v.Major, &v.Minor, &v.Patch} {
		n, err := number(core[i])
		if err != nil {
			return Version{}, fmt.Errorf("invalid version %q: %s %q %s", s, [...]string{"major", "minor", "patch"}[i], core[i], err)
		}
		*p = n
	}
	return v, nil
}

// MustParse is Parse for versions known to be valid; it panics otherwise.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// number parses a numeric part: digits, no leading zero.
func number(s string) (uint64, error) {
	if s == "" {
		return 0, errors.New("is empty")
	}
	if !allDigits(s) {
		return 0, errors.New("is not a number")
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, errors.New("has a leading zero")
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, errors.New("is too large")
	}
	return n, nil
}

// identifiers splits and checks the dot-separated identifiers of a
// pre-release or build metadata.
func identifiers(full, what, s string, numericNoLeadingZero bool) ([]string, error) {
	ids := strings.Split(s, ".")
	for _, id := range ids {
		if id == "" {
			return nil, fmt.Errorf("invalid version %q: empty %s identifier", full, what)
		}
		for i := 0; i < len(id); i++ {
			c := id[i]
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-') {
				return nil, fmt.Errorf("invalid version %q: %s identifier %q may hold only letters, digits and hyphens", full, what, id)
			}
		}
		if numericNoLeadingZero && len(id) > 1 && id[0] == '0' && allDigits(id) {
			return nil, fmt.Errorf("invalid version %q: numeric %s identifier %q has a leading zero", full, what, id)
		}
	}
	return ids, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// String is the version in its canonical form, which is the form Parse
// read: a valid version has only one spelling.
func (v Version) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d.%d.%d", v.Major, v.Minor, v.Patch)
	if len(v.Pre) > 0 {
		b.WriteByte('-')
		b.WriteString(strings.Join(v.Pre, "."))
	}
	if len(v.Build) > 0 {
		b.WriteByte('+')
		b.WriteString(strings.Join(v.Build, "."))
	}
	return b.String()
}

// IsPrerelease reports whether v has a pre-release, e.g. 1.4.0-rc.1.
func (v Version) IsPrerelease() bool { return len(v.Pre) > 0 }

// Compare orders a and b by precedence (semver.org §11) and returns -1, 0
// or +1. Build metadata does not count: 1.0.0+a and 1.0.0+b compare equal.
func Compare(a, b Version) int {
	for _, p := range [][2]uint64{{a.Major, b.Major}, {a.Minor, b.Minor}, {a.Patch, b.Patch}} {
		if p[0] != p[1] {
			if p[0] < p[1] {
				return -1
			}
			return 1
		}
	}
	// A release ranks above any of its pre-releases.
	switch {
	case len(a.Pre) == 0 && len(b.Pre) == 0:
		return 0
	case len(a.Pre) == 0:
		return 1
	case len(b.Pre) == 0:
		return -1
	}
	for i := 0; i < len(a.Pre) && i < len(b.Pre); i++ {
		if c := compareIdentifier(a.Pre[i], b.Pre[i]); c != 0 {
			return c
		}
	}
	// Equal so far: the longer list of identifiers ranks higher.
	switch {
	case len(a.Pre) < len(b.Pre):
		return -1
	case len(a.Pre) > len(b.Pre):
		return 1
	}
	return 0
}

// compareIdentifier compares pre-release identifiers: numbers numerically
// (without overflow: no leading zeros, so the longer is the larger), below
// alphanumerics, which compare in ASCII order.
func compareIdentifier(a, b string) int {
	an, bn := allDigits(a), allDigits(b)
	switch {
	case an && bn:
		if len(a) != len(b) {
			if len(a) < len(b) {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	case an:
		return -1
	case bn:
		return 1
	}
	return strings.Compare(a, b)
}

// Newer reports whether version string a ranks above b. Strings that are
// not SemVer compare as text, so a list with a stray one still sorts.
func Newer(a, b string) bool {
	va, errA := Parse(a)
	vb, errB := Parse(b)
	if errA != nil || errB != nil {
		return a > b
	}
	return Compare(va, vb) > 0
}
