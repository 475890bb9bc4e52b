package textdiff

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cases are compared with stock `diff -u`, and used as seeds elsewhere.
var cases = []struct {
	name     string
	old, new string
}{
	{"equal", "a\nb\n", "a\nb\n"},
	{"both empty", "", ""},
	{"from empty", "", "a\nb\n"},
	{"to empty", "a\nb\n", ""},
	{"one line changed", "a\n", "b\n"},
	{"insert at start", "b\nc\nd\ne\n", "a\nb\nc\nd\ne\n"},
	{"insert at end", "a\nb\nc\nd\n", "a\nb\nc\nd\ne\n"},
	{"insert in middle", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nx\n5\n6\n7\n8\n"},
	{"delete in middle", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\n6\n7\n8\n"},
	{"delete first line", "1\n2\n3\n4\n5\n", "2\n3\n4\n5\n"},
	{"delete last line", "1\n2\n3\n4\n5\n", "1\n2\n3\n4\n"},
	{"replace block", "1\n2\n3\n4\n5\n6\n7\n", "1\n2\nx\ny\nz\n6\n7\n"},
	{"two hunks", numbered(1, 20), strings.Replace(strings.Replace(numbered(1, 20), "3\n", "c\n", 1), "17\n", "q\n", 1)},
	{"gap of six merges", numbered(1, 16), strings.Replace(strings.Replace(numbered(1, 16), "\n2\n", "\nX\n", 1), "\n9\n", "\nY\n", 1)},
	{"gap of seven splits", numbered(1, 16), strings.Replace(strings.Replace(numbered(1, 16), "\n2\n", "\nX\n", 1), "\n10\n", "\nY\n", 1)},
	{"no newline at end of old", "a\nb", "a\nb\n"},
	{"no newline at end of new", "a\nb\n", "a\nb"},
	{"no newline at end of either", "a\nb", "a\nc"},
	{"no newline in unchanged context", "a\nb\nc\nd\ne", "x\nb\nc\nd\ne"},
	{"no newline single line", "a", "b"},
	{"only newline added", "", "\n"},
	{"blank lines", "a\n\n\nb\n", "a\n\nb\n"},
	{"repeated line inserted", "a\nb\nc\n", "a\nb\nb\nc\n"},
	{"repeated block inserted", "x\n}\n\ny\n}\n", "x\n}\n\nz\n}\n\ny\n}\n"},
	{"hcl attribute alignment", "a = 1\nlong = 2\nb {\n  c=3\n}\n", "a    = 1\nlong = 2\nb {\n  c = 3\n}\n"},
	{"crlf lines differ", "a\r\nb\r\n", "a\nb\n"},
	{"many changes", numbered(1, 60), strings.NewReplacer("\n7\n", "\nseven\n", "\n30\n", "\n", "\n44\n", "\n44\n44b\n").Replace(numbered(1, 60))},
	{"everything changed", numbered(1, 10), numbered(11, 25)},
	{"large file, scattered edits", numbered(1, 5000), strings.NewReplacer("\n100\n", "\n", "\n2500\n", "\nx\ny\n", "\n4999\n", "\n4999\n5000b\n").Replace(numbered(1, 5000))},
}

func numbered(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "%d\n", i)
	}
	return b.String()
}

func TestUnifiedMatchesDiff(t *testing.T) {
	diffPath := stockDiff(t)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			want := runDiff(t, diffPath, tt.old, tt.new)
			got := Unified("old/space.hcl", "new/space.hcl", []byte(tt.old), []byte(tt.new))
			if !bytes.Equal(got, want) {
				t.Errorf("Unified differs from diff -u\n--- got:\n%s--- want:\n%s", got, want)
			}
		})
	}
}

func TestUnifiedEqualIsEmpty(t *testing.T) {
	for _, s := range []string{"", "a", "a\n", "a\nb"} {
		if got := Unified("a", "b", []byte(s), []byte(s)); len(got) != 0 {
			t.Errorf("Unified of equal texts %q = %q, want empty", s, got)
		}
	}
}

func TestLineRange(t *testing.T) {
	tests := []struct {
		lo, hi int
		want   string
	}{
		{0, 0, "0,0"},
		{4, 4, "4,0"},
		{0, 1, "1"},
		{9, 10, "10"},
		{0, 3, "1,3"},
		{5, 12, "6,7"},
	}
	for _, tt := range tests {
		if got := lineRange(tt.lo, tt.hi); got != tt.want {
			t.Errorf("lineRange(%d, %d) = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
}

// stockDiff returns the path of GNU diff, skipping the test without it.
func stockDiff(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("diff")
	if err != nil {
		t.Skip("no diff in PATH")
	}
	out, err := exec.Command(p, "--version").Output()
	if err != nil || !bytes.Contains(out, []byte("GNU diffutils")) {
		t.Skip("diff is not GNU diffutils")
	}
	return p
}

// runDiff returns what `diff -u` prints for old and new, named as Unified's
// tests name them.
func runDiff(t *testing.T, diffPath, old, new string) []byte {
	t.Helper()
	dir := t.TempDir()
	oldPath, newPath := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	if err := os.WriteFile(oldPath, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newPath, []byte(new), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(diffPath, "-u", "--label", "old/space.hcl", "--label", "new/space.hcl", oldPath, newPath)
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("diff: %v", err)
	}
	return out
}
