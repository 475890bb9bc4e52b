package textdiff

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// largeFile returns n numbered lines of HCL-like text.
func largeFile(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "  attribute_%d = \"value %d\"\n", i, i)
	}
	return b.Bytes()
}

// sparseEdit changes every step-th line.
func sparseEdit(text []byte, step int) []byte {
	lines := splitLines(text)
	out := make([][]byte, len(lines))
	for i, l := range lines {
		out[i] = l
		if i%step == 0 {
			out[i] = []byte(fmt.Sprintf("  changed_%d = true\n", i))
		}
	}
	return bytes.Join(out, nil)
}

// shuffled returns the lines of text in a random order: every line has a
// match, but the shortest script is long, the worst case for O((N+M)·D).
func shuffled(text []byte) []byte {
	lines := splitLines(text)
	r := rand.New(rand.NewPCG(5, 6))
	r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return bytes.Join(lines, nil)
}

func TestUnifiedLargeFiles(t *testing.T) {
	tests := []struct {
		name     string
		old, new []byte
		limit    time.Duration
	}{
		{"100k lines, sparse edits", largeFile(100_000), sparseEdit(largeFile(100_000), 997), 5 * time.Second},
		{"20k lines, all different", largeFile(20_000), sparseEdit(largeFile(20_000), 1), 5 * time.Second},
		{"5k lines, shuffled", largeFile(5_000), shuffled(largeFile(5_000)), 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			diff := Unified("old", "new", tt.old, tt.new)
			elapsed := time.Since(start)
			got, err := apply(tt.old, diff)
			if err != nil {
				t.Fatalf("applying the diff: %v", err)
			}
			if !bytes.Equal(got, tt.new) {
				t.Fatalf("applying the diff does not give the new text")
			}
			t.Logf("%d bytes of diff in %v", len(diff), elapsed)
			if elapsed > tt.limit {
				t.Errorf("took %v, more than %v", elapsed, tt.limit)
			}
		})
	}
}

func BenchmarkUnifiedSparse(b *testing.B) {
	old := largeFile(10_000)
	new := sparseEdit(old, 101)
	b.SetBytes(int64(len(old)))
	for b.Loop() {
		Unified("old", "new", old, new)
	}
}

func BenchmarkUnifiedShuffled(b *testing.B) {
	old := largeFile(2_000)
	new := shuffled(old)
	b.SetBytes(int64(len(old)))
	for b.Loop() {
		Unified("old", "new", old, new)
	}
}
