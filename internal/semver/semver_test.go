package semver

import (
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	valid := []string{
		"0.0.0", "1.4.0", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
		"1.0.0-x.7.z.92", "1.0.0-x-y-z.--", "1.0.0-alpha+001", "1.0.0+20130313144700",
		"1.0.0-beta+exp.sha.5114f85", "1.0.0+21AF26D3----117B344092BD", "1.0.0-0A.is.legal",
		"18446744073709551615.0.0", "1.0.0+0.build.01", "1.0.0-rc.1+build.1",
	}
	for _, s := range valid {
		v, err := Parse(s)
		if err != nil {
			t.Errorf("Parse(%q): %v", s, err)
			continue
		}
		if got := v.String(); got != s {
			t.Errorf("Parse(%q).String() = %q", s, got)
		}
	}
	invalid := map[string]string{
		"":                         "empty version",
		"1":                        "MAJOR.MINOR.PATCH",
		"1.2":                      "MAJOR.MINOR.PATCH",
		"1.2.3.4":                  "MAJOR.MINOR.PATCH",
		"v1.2.3":                   "without the leading v",
		"01.1.1":                   "leading zero",
		"1.02.1":                   "leading zero",
		"1.1.00":                   "leading zero",
		"1.2.3-01":                 "leading zero",
		"1.2.3-":                   "empty pre-release identifier",
		"1.2.3-a..b":               "empty pre-release identifier",
		"1.2.3+":                   "empty build metadata identifier",
		"1.2.3-a_b":                "letters, digits and hyphens",
		"1.2.3+a/b":                "letters, digits and hyphens",
		"1.2.x":                    "not a number",
		"-1.2.3":                   "MAJOR.MINOR.PATCH",
		"1.2.-3":                   "is empty",
		" 1.2.3":                   "not a number",
		"18446744073709551616.0.0": "too large",
		"1.2.3+a+b":                "letters, digits and hyphens",
	}
	for s, want := range invalid {
		_, err := Parse(s)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", s)
		} else if !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want it to say %q", s, err, want)
		}
	}
}

// TestPrecedence checks the orderings given by semver.org §11.
func TestPrecedence(t *testing.T) {
	chains := [][]string{
		{"1.0.0", "2.0.0", "2.1.0", "2.1.1"},
		{"1.0.0-alpha", "1.0.0"},
		{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"},
		{"1.9.0", "1.10.0", "1.11.0"},
		{"1.0.0-2", "1.0.0-10", "1.0.0-a"},
		{"1.0.0-99999999999999999999999", "1.0.0-100000000000000000000000"},
		{"1.0.0-A", "1.0.0-a"}, // ASCII order
		{"1.4.0-rc.1", "1.4.0", "1.5.0-alpha"},
	}
	for _, chain := range chains {
		for i := range chain {
			for j := range chain {
				want := cmpInt(i, j)
				if got := Compare(MustParse(chain[i]), MustParse(chain[j])); got != want {
					t.Errorf("Compare(%s, %s) = %d, want %d", chain[i], chain[j], got, want)
				}
			}
		}
	}
	equal := [][2]string{
		{"1.0.0+a", "1.0.0+b"},
		{"1.0.0-rc.1+x", "1.0.0-rc.1"},
	}
	for _, p := range equal {
		if got := Compare(MustParse(p[0]), MustParse(p[1])); got != 0 {
			t.Errorf("Compare(%s, %s) = %d, want 0: build metadata does not count", p[0], p[1], got)
		}
	}
}

func TestSort(t *testing.T) {
	in := []string{"1.0.0", "1.0.0-rc.1", "0.9.0", "1.0.0-beta.11", "1.0.0-beta.2", "1.10.0", "1.2.0"}
	vs := make([]Version, len(in))
	for i, s := range in {
		vs[i] = MustParse(s)
	}
	slices.SortFunc(vs, Compare)
	var got []string
	for _, v := range vs {
		got = append(got, v.String())
	}
	want := []string{"0.9.0", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.2.0", "1.10.0"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted %v, want %v", got, want)
	}
}

func TestIsPrerelease(t *testing.T) {
	if MustParse("1.0.0+build").IsPrerelease() {
		t.Error("1.0.0+build is a release")
	}
	if !MustParse("1.0.0-rc.1").IsPrerelease() {
		t.Error("1.0.0-rc.1 is a pre-release")
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// FuzzParse checks that a version that parses prints back as it was read
// and compares equal to itself; versions arrive in bundles, so the parser
// must never panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.4.0", "1.0.0-rc.1+build.5", "01.0.0", "1.0.0-", "v1.2.3", "1.0.0-x-y-z.--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		if v.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, v.String())
		}
		if Compare(v, v) != 0 {
			t.Fatalf("Compare(%q, itself) != 0", s)
		}
	})
}

func TestNewer(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"1.10.0", "1.9.0", true}, {"1.9.0", "1.10.0", false}, {"1.0.0", "1.0.0-rc.1", true},
		{"1.0.0", "1.0.0", false}, {"1.0.0+b2", "1.0.0+b1", false}, {"banana", "apple", true},
	} {
		if got := Newer(tc.a, tc.b); got != tc.want {
			t.Errorf("Newer(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
