package extract

import (
	"strings"
	"testing"
)

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		yes, no []string
	}{
		{"config/*.json", []string{"config/a.json", "config/.json"}, []string{"config/a/b.json", "a.json", "config/a.jsonx", "x/config/a.json"}},
		{"**", []string{"a", "a/b/c"}, nil},
		{"**/web.config", []string{"web.config", "a/web.config", "a/b/c/web.config"}, []string{"web.configx", "a/xweb.config"}},
		{"config/**", []string{"config/a", "config/a/b/c"}, []string{"configx/a", "other/config/a"}},
		{"config/**/*.json", []string{"config/a.json", "config/x/a.json", "config/x/y/z/a.json"}, []string{"config/a.txt", "a.json", "other/config/a.json"}},
		{"a/**/b/**/c", []string{"a/b/c", "a/x/b/y/c", "a/b/b/c", "a/x/y/b/c"}, []string{"a/c", "a/b", "b/c"}},
		{"**/**/x", []string{"x", "a/x", "a/b/x"}, []string{"a/b"}},
		{"./lib/?.dll", []string{"lib/a.dll"}, []string{"lib/ab.dll"}},
		{"[a-c]*/**", []string{"b/x", "cat/x/y"}, []string{"d/x"}},
		{"a**b", []string{"axxb", "ab"}, []string{"a/b", "ax/xb"}},
		{"Config/*.json", []string{"Config/a.json"}, []string{"config/a.json"}},
	} {
		g, err := compileGlob(tc.pattern)
		if err != nil {
			t.Fatalf("%q: %v", tc.pattern, err)
		}
		for _, name := range tc.yes {
			if !g.match(name) {
				t.Errorf("%q does not match %q", tc.pattern, name)
			}
		}
		for _, name := range tc.no {
			if g.match(name) {
				t.Errorf("%q matches %q", tc.pattern, name)
			}
		}
	}
}

// TestGlobManyStars checks that "**" does not backtrack exponentially.
func TestGlobManyStars(t *testing.T) {
	g, err := compileGlob(strings.Repeat("**/", 40) + "x")
	if err != nil {
		t.Fatal(err)
	}
	name := strings.Repeat("a/", 200) + "y"
	if g.match(name) {
		t.Error("matched")
	}
}
