package textdiff

import (
	"bytes"
	"testing"
)

// FuzzUnified checks that Unified never panics, is empty exactly for equal
// texts, and that its diff applies to the old text to give the new one and
// is as short as a longest common subsequence allows.
func FuzzUnified(f *testing.F) {
	for _, c := range cases {
		f.Add([]byte(c.old), []byte(c.new))
	}
	f.Fuzz(func(t *testing.T, old, new []byte) {
		diff := Unified("old", "new", old, new)
		if bytes.Equal(old, new) {
			if len(diff) != 0 {
				t.Fatalf("diff of equal texts is not empty:\n%s", diff)
			}
			return
		}
		if !bytes.HasPrefix(diff, []byte("--- old\n+++ new\n@@ -")) {
			t.Fatalf("diff does not start with its headers and a hunk:\n%s", diff)
		}
		got, err := apply(old, diff)
		if err != nil {
			t.Fatalf("applying the diff of %q and %q: %v\n%s", old, new, err, diff)
		}
		if !bytes.Equal(got, new) {
			t.Fatalf("applying the diff of %q and %q gives %q\n%s", old, new, got, diff)
		}
		a, b := splitLines(old), splitLines(new)
		if len(a)*len(b) > 1<<20 {
			return
		}
		if want := len(a) + len(b) - 2*lcsLength(a, b); countChanges(diff) != want {
			t.Fatalf("diff of %q and %q has %d changed lines, a shortest has %d\n%s", old, new, countChanges(diff), want, diff)
		}
	})
}
