package octostache

import "testing"

// versionCases are Octopus.Versioning's OctopusVersionTests (5.1.882) for
// OctopusVersionParser: version, major, minor, patch, revision,
// pre-release, its prefix and counter, metadata.
var versionCases = []struct {
	version, major, minor, patch, revision, pre, prefix, counter, meta string
}{
	{"0.0.4", "0", "0", "4", "0", "", "", "", ""},                                         // TestSemverVersions
	{"0.0.4.1", "0", "0", "4", "1", "", "", "", ""},                                       // TestSemverVersions
	{"1.2.3", "1", "2", "3", "0", "", "", "", ""},                                         // TestSemverVersions
	{"1.2.3.4", "1", "2", "3", "4", "", "", "", ""},                                       // TestSemverVersions
	{"10.20.30", "10", "20", "30", "0", "", "", "", ""},                                   // TestSemverVersions
	{"v0.0.0", "0", "0", "0", "0", "", "", "", ""},                                        // TestSemverVersions
	{"v0.0.1", "0", "0", "1", "0", "", "", "", ""},                                        // TestSemverVersions
	{"v1.0.0", "1", "0", "0", "0", "", "", "", ""},                                        // TestSemverVersions
	{"v0.0.0-foo", "0", "0", "0", "0", "foo", "foo", "", ""},                              // TestSemverVersions
	{"1.1.2-prerelease+meta", "1", "1", "2", "0", "prerelease", "prerelease", "", "meta"}, // TestSemverVersions
	{"1.1.2+meta", "1", "1", "2", "0", "", "", "", "meta"},                                // TestSemverVersions
	{"1.1.2+meta-valid", "1", "1", "2", "0", "", "", "", "meta-valid"},                    // TestSemverVersions
	{"1.0.0-alpha", "1", "0", "0", "0", "alpha", "alpha", "", ""},                         // TestSemverVersions
	{"1.0.0-alpha.beta", "1", "0", "0", "0", "alpha.beta", "alpha", "beta", ""},           // TestSemverVersions
	{"1.0.0-alpha.beta1", "1", "0", "0", "0", "alpha.beta1", "alpha", "beta1", ""},        // TestSemverVersions
	{"1.0.0-alpha.1", "1", "0", "0", "0", "alpha.1", "alpha", "1", ""},                    // TestSemverVersions
	{"1.0.0-alpha0.valid", "1", "0", "0", "0", "alpha0.valid", "alpha0", "valid", ""},     // TestSemverVersions
	{"1.0.0-alpha.0valid", "1", "0", "0", "0", "alpha.0valid", "alpha", "0valid", ""},     // TestSemverVersions
	{"1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay", "1", "0", "0", "0", "alpha-a.b-c-somethinglong", "alpha", "a.b-c-somethinglong", "build.1-aef.1-its-okay"}, // TestSemverVersions
	{"1.0.0-rc.1+build.1", "1", "0", "0", "0", "rc.1", "rc", "1", "build.1"},                                                                                              // TestSemverVersions
	{"2.0.0-rc.1+build.123", "2", "0", "0", "0", "rc.1", "rc", "1", "build.123"},                                                                                          // TestSemverVersions
	{"1.2.3-beta", "1", "2", "3", "0", "beta", "beta", "", ""},                                                                                                            // TestSemverVersions
	{"10.2.3-DEV-SNAPSHOT", "10", "2", "3", "0", "DEV-SNAPSHOT", "DEV", "SNAPSHOT", ""},                                                                                   // TestSemverVersions
	{"1.2.3-SNAPSHOT-123", "1", "2", "3", "0", "SNAPSHOT-123", "SNAPSHOT", "123", ""},                                                                                     // TestSemverVersions
	{"1.0.0", "1", "0", "0", "0", "", "", "", ""},                                                                                                                         // TestSemverVersions
	{"2.0.0", "2", "0", "0", "0", "", "", "", ""},                                                                                                                         // TestSemverVersions
	{"1.1.7", "1", "1", "7", "0", "", "", "", ""},                                                                                                                         // TestSemverVersions
	{"2.0.0+build.1848", "2", "0", "0", "0", "", "", "", "build.1848"},                                                                                                    // TestSemverVersions
	{"2.0.1-alpha.1227", "2", "0", "1", "0", "alpha.1227", "alpha", "1227", ""},                                                                                           // TestSemverVersions
	{"1.0.0-alpha+beta", "1", "0", "0", "0", "alpha", "alpha", "", "beta"},                                                                                                // TestSemverVersions
	{"1.2.3----RC-SNAPSHOT.12.9.1--.12+788", "1", "2", "3", "0", "---RC-SNAPSHOT.12.9.1--.12", "", "--RC-SNAPSHOT.12.9.1--.12", "788"},                                    // TestSemverVersions
	{"1.2.3----R-S.12.9.1--.12+meta", "1", "2", "3", "0", "---R-S.12.9.1--.12", "", "--R-S.12.9.1--.12", "meta"},                                                          // TestSemverVersions
	{"1.2.3----RC-SNAPSHOT.12.9.1--.12", "1", "2", "3", "0", "---RC-SNAPSHOT.12.9.1--.12", "", "--RC-SNAPSHOT.12.9.1--.12", ""},                                           // TestSemverVersions
	{"1.0.0+0.build.1-rc.10000aaa-kk-0.1", "1", "0", "0", "0", "", "", "", "0.build.1-rc.10000aaa-kk-0.1"},                                                                // TestSemverVersions
	{"99999999.99999999.99999999", "99999999", "99999999", "99999999", "0", "", "", "", ""},                                                                               // TestSemverVersions
	{"0.0.0-foo", "0", "0", "0", "0", "foo", "foo", "", ""},                                                                                                               // TestSemverVersions
	{"0.0.0", "0", "0", "0", "0", "", "", "", ""},                                                                                                                         // TestSemverVersions
	{"1.2", "1", "2", "0", "0", "", "", "", ""},                                                                                                                           // TestSemverVersions
	{"1", "1", "0", "0", "0", "", "", "", ""},                                                                                                                             // TestSemverVersions
	{"01.1.1", "1", "1", "1", "0", "", "", "", ""},                                                                                                                        // TestSemverVersions
	{"1.01.1", "1", "1", "1", "0", "", "", "", ""},                                                                                                                        // TestSemverVersions
	{"1.1.01", "1", "1", "1", "0", "", "", "", ""},                                                                                                                        // TestSemverVersions
	{"1.1.01-9999999999999999999999999", "1", "1", "1", "0", "9999999999999999999999999", "9999999999999999999999999", "", ""},                                            // TestSemverVersions
	{"1.1.01-9999999999999999999999999+meta ", "1", "1", "1", "0", "9999999999999999999999999", "9999999999999999999999999", "", "meta"},                                  // TestSemverVersions
	{"1.1.01-9999999999999999999999999 ", "1", "1", "1", "0", "9999999999999999999999999", "9999999999999999999999999", "", ""},                                           // TestSemverVersions
	{" 1.1.01-9999999999999999999999999 ", "1", "1", "1", "0", "9999999999999999999999999", "9999999999999999999999999", "", ""},                                          // TestSemverVersions
	{" 1 .1.01-9999999999999999999999999", "1", "1", "1", "0", "9999999999999999999999999", "9999999999999999999999999", "", ""},                                          // TestSemverVersions
	{"1. 1 .01-9999999999999999999999999", "1", "1", "1", "0", "9999999999999999999999999", "9999999999999999999999999", "", ""},                                          // TestSemverVersions
	{"1.1. 01 -9999999999999999999999999", "1", "1", "1", "0", "9999999999999999999999999", "9999999999999999999999999", "", ""},                                          // TestSemverVersions
	{"1.1.01. 1 -9999999999999999999999999", "1", "1", "1", "1", "9999999999999999999999999", "9999999999999999999999999", "", ""},                                        // TestSemverVersions
	{"NotAVersionSting", "0", "0", "0", "0", "NotAVersionSting", "NotAVersionSting", "", ""},                                                                              // TestMavenVersions
	{"1.0-alpha", "1", "0", "0", "0", "alpha", "alpha", "", ""},                                                                                                           // TestMavenVersions
	{"1.0-alpha1", "1", "0", "0", "0", "alpha1", "alpha1", "", ""},                                                                                                        // TestMavenVersions
	{"1.0-a1", "1", "0", "0", "0", "a1", "a1", "", ""},                                                                                                                    // TestMavenVersions
	{"1.0-beta", "1", "0", "0", "0", "beta", "beta", "", ""},                                                                                                              // TestMavenVersions
	{"1.0-beta1", "1", "0", "0", "0", "beta1", "beta1", "", ""},                                                                                                           // TestMavenVersions
	{"1.0-b1", "1", "0", "0", "0", "b1", "b1", "", ""},                                                                                                                    // TestMavenVersions
	{"1.0-whatever", "1", "0", "0", "0", "whatever", "whatever", "", ""},                                                                                                  // TestMavenVersions
	{"1.0-SNAPSHOT", "1", "0", "0", "0", "SNAPSHOT", "SNAPSHOT", "", ""},                                                                                                  // TestMavenVersions
	{"1.0-cr1", "1", "0", "0", "0", "cr1", "cr1", "", ""},                                                                                                                 // TestMavenVersions
	{"1.0-cr", "1", "0", "0", "0", "cr", "cr", "", ""},                                                                                                                    // TestMavenVersions
	{"1.0-rc", "1", "0", "0", "0", "rc", "rc", "", ""},                                                                                                                    // TestMavenVersions
	{"1.0-rc1", "1", "0", "0", "0", "rc1", "rc1", "", ""},                                                                                                                 // TestMavenVersions
	{"19.0.0.Final", "19", "0", "0", "0", "Final", "Final", "", ""},                                                                                                       // TestMavenVersions
	{"1-0-alpha", "1", "0", "0", "0", "0-alpha", "0", "alpha", ""},                                                                                                        // TestIncompatibleMavenVersions
	{"1_0_alpha", "1", "0", "0", "0", "0_alpha", "0", "alpha", ""},                                                                                                        // TestIncompatibleMavenVersions
	{"1_0alpha", "1", "0", "0", "0", "0alpha", "0alpha", "", ""},                                                                                                          // TestIncompatibleMavenVersions
	{"1.0a1-SNAPSHOT", "1", "0", "0", "0", "a1-SNAPSHOT", "a1", "SNAPSHOT", ""},                                                                                           // TestIncompatibleMavenVersions
	{"1-2.3-SNAPSHOT", "1", "0", "0", "0", "2.3-SNAPSHOT", "2", "3-SNAPSHOT", ""},                                                                                         // TestIncompatibleMavenVersions
	{"1.0.2.3-rc1", "1", "0", "2", "3", "rc1", "rc1", "", ""},                                                                                                             // TestIncompatibleMavenVersions
	{"1.0.0-beta.", "1", "0", "0", "0", "beta.", "beta", "", ""},                                                                                                          // TestInvalidSemverVersions
	{"V0.0.0", "0", "0", "0", "0", "", "", "", ""},                                                                                                                        // TestInvalidSemverVersions
	{"V0.0.1", "0", "0", "1", "0", "", "", "", ""},                                                                                                                        // TestInvalidSemverVersions
	{"V0.0.0-foo", "0", "0", "0", "0", "foo", "foo", "", ""},                                                                                                              // TestInvalidSemverVersions
	{"1.1.2+.123", "1", "1", "2", "0", "", "", "", ".123"},                                                                                                                // TestInvalidSemverVersions
	{"+invalid", "0", "0", "0", "0", "", "", "", "invalid"},                                                                                                               // TestInvalidSemverVersions
	{"-invalid", "0", "0", "0", "0", "invalid", "invalid", "", ""},                                                                                                        // TestInvalidSemverVersions
	{"-invalid+invalid", "0", "0", "0", "0", "invalid", "invalid", "", "invalid"},                                                                                         // TestInvalidSemverVersions
	{"-invalid.01", "0", "0", "0", "0", "invalid.01", "invalid", "01", ""},                                                                                                // TestInvalidSemverVersions
	{"alpha..", "0", "0", "0", "0", "alpha..", "alpha", ".", ""},                                                                                                          // TestInvalidSemverVersions
	{"1.0.0-alpha.......1", "1", "0", "0", "0", "alpha.......1", "alpha", "......1", ""},                                                                                  // TestInvalidSemverVersions
	{"19.0.0.Final", "19", "0", "0", "0", "Final", "Final", "", ""},                                                                                                       // TestInvalidSemverVersions
	{"284.0.0-debian_component_based", "284", "0", "0", "0", "debian_component_based", "debian", "component_based", ""},                                                   // TestInvalidSemverVersions
	{"latest", "0", "0", "0", "0", "latest", "latest", "", ""},                                                                                                            // TestInvalidSemverVersions
	{"stable", "0", "0", "0", "0", "stable", "stable", "", ""},                                                                                                            // TestInvalidSemverVersions
	{"stable-\\hi_there.how-are+you+today", "0", "0", "0", "0", "stable-\\hi_there.how-are", "stable", "\\hi_there.how-are", "you+today"},                                 // TestInvalidSemverVersions
	{" stable-\\hi_there.how-are+you+today ", "0", "0", "0", "0", "stable-\\hi_there.how-are", "stable", "\\hi_there.how-are", "you+today"},                               // TestInvalidSemverVersions
}

// badVersions are the versions OctopusVersionParser refuses (the same
// tests): numbers past an Int32, characters no part may hold, white space
// inside a pre-release or metadata, and blank input.
var badVersions = []string{
	"2147483648.1.1",      // LargeVersionNumbersWillFail
	"1.2147483648.1",      // LargeVersionNumbersWillFail
	"1.1.2147483648",      // LargeVersionNumbersWillFail
	"1.1.1.2147483648",    // LargeVersionNumbersWillFail
	"1.1.9999999999",      // LargeVersionNumbersWillFail
	"1.2.3-hi'there",      // IllegalCharsWillFail
	"1.2.3-hi\"there",     // IllegalCharsWillFail
	"1.2.3-hi;there",      // IllegalCharsWillFail
	"1.2.3-hi\nthere",     // IllegalCharsWillFail
	"1.2.3-hi\tthere",     // IllegalCharsWillFail
	"1.2.3-hi/there",      // IllegalCharsWillFail
	" 1.2.3-hi/there ",    // IllegalCharsWillFail
	"1.2.3-hi%there",      // IllegalCharsWillFail
	" 1.2.3-hi%there ",    // IllegalCharsWillFail
	"1.2.3-hi?there",      // IllegalCharsWillFail
	" 1.2.3-hi?there ",    // IllegalCharsWillFail
	"1.2.3-hi#there",      // IllegalCharsWillFail
	" 1.2.3-hi#there ",    // IllegalCharsWillFail
	"1.2.3-hi&there",      // IllegalCharsWillFail
	"1.2.3-hi there",      // IllegalCharsWillFail
	"1.2.3-hithere +meta", // IllegalCharsWillFail
	"1.2.3- hithere+meta", // IllegalCharsWillFail
	"1.2.3-hithere+ meta", // IllegalCharsWillFail
	" ",                   // IllegalCharsWillFail
	"",                    // IllegalCharsWillFail
}

func TestVersionFilters(t *testing.T) {
	for _, c := range versionCases {
		want := map[string]string{
			"VersionMajor":             c.major,
			"VersionMinor":             c.minor,
			"VersionPatch":             c.patch,
			"VersionRevision":          c.revision,
			"VersionPreRelease":        c.pre,
			"VersionPreReleasePrefix":  c.prefix,
			"VersionPreReleaseCounter": c.counter,
			"VersionMetadata":          c.meta,
		}
		for filter, w := range want {
			if got := evalFilter(t, c.version, "#{V | "+filter+"}"); got != w {
				t.Errorf("%q | %s = %q, want %q", c.version, filter, got, w)
			}
		}
	}
}

func TestVersionFiltersRefuse(t *testing.T) {
	for _, v := range badVersions {
		src := "#{V | VersionMajor}"
		if got := evalFilter(t, v, src); got != src {
			t.Errorf("%q | VersionMajor = %q, want it left as written", v, got)
		}
	}
	if got := evalFilter(t, "", "#{Missing | VersionMajor}"); got != "#{Missing | VersionMajor}" {
		t.Errorf("unknown variable: got %q", got)
	}
}

func TestVersionFiltersIgnoreOptions(t *testing.T) {
	if got := evalFilter(t, "v1.2", "#{V | VersionMinor x y}"); got != "2" {
		t.Errorf("got %q, want 2", got)
	}
}

// Unicode white space counts as white space around the numbers, as .NET's
// \s does.
func TestVersionUnicodeSpace(t *testing.T) {
	if got := evalFilter(t, "\u00a01.\u20032\u3000", "#{V | VersionMinor}"); got != "2" {
		t.Errorf("got %q, want 2", got)
	}
}

// evalFilter evaluates src with V set to value.
func evalFilter(t *testing.T, value, src string) string {
	t.Helper()
	tmpl, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tmpl.Evaluate(Vars{"V": value}, &Options{Now: fixedClock})
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	return got
}
