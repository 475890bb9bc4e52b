package deploy

import "testing"

// A destination never leaves ZONECTL_TARGET_ROOT, and never walks with
// "..", whatever a variable put in it.
func TestConfine(t *testing.T) {
	cases := []struct {
		dest, root, want string
		refused          bool
	}{
		{dest: "/srv/web", root: "", want: "/srv/web"},
		{dest: "/srv/web", root: "/tmp/t", want: "/tmp/t/srv/web"},
		{dest: "/../../x", root: "/tmp/t", refused: true},
		{dest: "/srv/../../etc", root: "", refused: true},
		{dest: "/srv/web/..", root: "/tmp/t", refused: true},
		{dest: "srv/web", root: "/tmp/t", refused: true},
		{dest: "/", root: "/tmp/t", want: "/tmp/t"},
		{dest: "//srv//web/", root: "/tmp/t", want: "/tmp/t/srv/web"},
	}
	for _, c := range cases {
		got, err := confine(c.dest, c.root)
		switch {
		case c.refused && err == nil:
			t.Errorf("confine(%q, %q) = %q; want it refused", c.dest, c.root, got)
		case !c.refused && (err != nil || got != c.want):
			t.Errorf("confine(%q, %q) = %q, %v; want %q", c.dest, c.root, got, err, c.want)
		}
	}
}
