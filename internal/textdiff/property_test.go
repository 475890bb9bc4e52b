package textdiff

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// randomText returns up to maxLines lines drawn from a small alphabet, so
// that lines repeat and texts share many subsequences, sometimes without a
// final newline.
func randomText(r *rand.Rand, maxLines int, alphabet string) []byte {
	var b bytes.Buffer
	n := r.IntN(maxLines + 1)
	for range n {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
		b.WriteByte('\n')
	}
	if n > 0 && r.IntN(4) == 0 {
		b.Truncate(b.Len() - 1)
	}
	return b.Bytes()
}

// mutate returns text with a few lines inserted, deleted or replaced.
func mutate(r *rand.Rand, text []byte, alphabet string) []byte {
	lines := splitLines(text)
	for range r.IntN(4) {
		i := r.IntN(len(lines) + 1)
		line := []byte{alphabet[r.IntN(len(alphabet))], '\n'}
		switch op := r.IntN(3); {
		case op == 0 || len(lines) == 0 || i == len(lines):
			lines = append(lines[:i:i], append([][]byte{line}, lines[i:]...)...)
		case op == 1:
			lines = append(lines[:i:i], lines[i+1:]...)
		default:
			lines[i] = line
		}
	}
	return bytes.Join(lines, nil)
}

// lcsLength is the textbook O(NM) longest common subsequence of lines.
func lcsLength(a, b [][]byte) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case bytes.Equal(a[i], b[j]):
				cur[j+1] = prev[j] + 1
			default:
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// countChanges counts the deleted and inserted lines of a unified diff.
func countChanges(diff []byte) int {
	n := 0
	for _, l := range splitLines(diff) {
		if (l[0] == '-' || l[0] == '+') && !bytes.HasPrefix(l, []byte("--- ")) && !bytes.HasPrefix(l, []byte("+++ ")) {
			n++
		}
	}
	return n
}

func TestUnifiedAppliesAndIsMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, alphabet := range []string{"ab", "abc", "abcdefghij"} {
		for range 3000 {
			old := randomText(r, 30, alphabet)
			var new []byte
			if r.IntN(2) == 0 {
				new = mutate(r, old, alphabet)
			} else {
				new = randomText(r, 30, alphabet)
			}
			diff := Unified("old", "new", old, new)
			got, err := apply(old, diff)
			if err != nil {
				t.Fatalf("applying the diff of %q and %q: %v\n%s", old, new, err, diff)
			}
			if !bytes.Equal(got, new) {
				t.Fatalf("applying the diff of %q and %q gives %q\n%s", old, new, got, diff)
			}
			a, b := splitLines(old), splitLines(new)
			if want := len(a) + len(b) - 2*lcsLength(a, b); countChanges(diff) != want {
				t.Fatalf("diff of %q and %q has %d changed lines, a shortest has %d\n%s", old, new, countChanges(diff), want, diff)
			}
		}
	}
}

// TestUnifiedMatchesDiffRandomly compares Unified with stock diff -u on
// random edits of small HCL-like texts. Where a line occurs more than five
// times in a text, GNU diff may set it aside as "confusing" before comparing,
// which can make its diff longer or pick another of the shortest ones; such
// cases only have to be no longer than GNU's.
func TestUnifiedMatchesDiffRandomly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs diff many times")
	}
	diffPath := stockDiff(t)
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := "abcdef}{ "
	for range 500 {
		old := randomText(r, 25, alphabet)
		new := mutate(r, mutate(r, old, alphabet), alphabet)
		want := runDiff(t, diffPath, string(old), string(new))
		got := Unified("old/space.hcl", "new/space.hcl", old, new)
		switch {
		case bytes.Equal(got, want):
		case confusing(old) || confusing(new):
			if countChanges(got) > countChanges(want) {
				t.Errorf("diff -u is shorter for %q → %q\n--- got:\n%s--- want:\n%s", old, new, got, want)
			}
		default:
			t.Errorf("Unified differs from diff -u for %q → %q\n--- got:\n%s--- want:\n%s", old, new, got, want)
		}
	}
}

// confusing reports whether a line occurs more than five times in text.
func confusing(text []byte) bool {
	seen := map[string]int{}
	for _, l := range splitLines(text) {
		seen[string(l)]++
		if seen[string(l)] > 5 {
			return true
		}
	}
	return false
}
