package octostache

import (
	"regexp"
	"strconv"
	"strings"
)

// Octopus versions, read as Octopus.Versioning's OctopusVersionParser reads
// them: an optional v, up to four numbers, a pre-release split into a
// prefix and a counter at the first . - _ or \, and +metadata. Every part
// is optional, so "latest" is 0.0.0.0 with the pre-release "latest".

// dotnetSpace is .NET's \s, which is Unicode white space, where Go's \s
// is ASCII.
const dotnetSpace = `[\t\n\v\f\r\x{85}\p{Z}]`

// versionPattern is OctopusVersionParser's regular expression with \s
// spelled out. Go's leftmost-first matching picks the same groups as
// .NET's backtracking: the pattern has no back references or look-arounds.
// Numbers are ASCII digits, where .NET's \d takes any decimal digit; those
// others then fail int.Parse, so the version is refused either way.
var versionPattern = regexp.MustCompile(strings.ReplaceAll(`^\s*(?:`+
	`\s*(?P<prefix>v|V)?`+
	`\s*(?P<major>[0-9]+)\s*`+
	`(?:\.\s*(?P<minor>[0-9]+)\s*)?`+
	`(?:\.\s*(?P<patch>[0-9]+)\s*)?`+
	`(?:\.\s*(?P<revision>[0-9]+)\s*)?)?`+
	`(?:[.\-_\\])?(?P<prerelease>(?P<prereleaseprefix>[A-Za-z0-9]*?)([.\-_\\](?P<prereleasecounter>[A-Za-z0-9.\-_\\]*?)?)?)?`+
	`(?:\+(?P<buildmetadata>[A-Za-z0-9_\-.\\+]*?))?\s*$`, `\s`, dotnetSpace))

// versionNumber and versionText are the Version* filters: one part of the
// input read as a version, the filter's options ignored as in Octostache.
// A number that is absent is 0, a text "".
func versionNumber(group string) filterFunc {
	return func(_ *evaluator, in string, ok bool, _ []string) (string, bool) {
		if !ok {
			return "", false
		}
		digits, valid := versionPart(in, group)
		if !valid {
			return "", false
		}
		// versionPart has checked that it fits an Int32; leading zeros go,
		// and an absent number ("") is 0.
		n, _ := strconv.ParseInt(digits, 10, 32)
		return strconv.FormatInt(n, 10), true
	}
}

func versionText(group string) filterFunc {
	return func(_ *evaluator, in string, ok bool, _ []string) (string, bool) {
		if !ok {
			return "", false
		}
		return versionPart(in, group)
	}
}

// versionPart returns the named group of the version in s, "" when it did
// not take part. A blank or unmatched version is not one: Octostache
// throws there.
func versionPart(s, group string) (string, bool) {
	if strings.TrimSpace(s) == "" {
		return "", false
	}
	m := versionPattern.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	// Every number must be an Int32 for the version to parse at all,
	// whichever part is asked for.
	for _, g := range []string{"major", "minor", "patch", "revision"} {
		if d := m[versionPattern.SubexpIndex(g)]; d != "" {
			if _, err := strconv.ParseInt(d, 10, 32); err != nil {
				return "", false
			}
		}
	}
	return m[versionPattern.SubexpIndex(group)], true
}
