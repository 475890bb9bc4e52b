package meter

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	var reported int64
	r := &Reader{R: strings.NewReader(strings.Repeat("x", 100_000)), Add: func(n int64) { reported += n }}
	n, err := io.Copy(io.Discard, r)
	if err != nil || n != 100_000 || r.N != n || reported != n {
		t.Fatalf("copied %d (%v), counted %d, reported %d", n, err, r.N, reported)
	}
	quiet := &Reader{R: strings.NewReader("abc")}
	if _, err := io.ReadAll(quiet); err != nil || quiet.N != 3 {
		t.Fatalf("without Add: counted %d, %v", quiet.N, err)
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := &Writer{W: &b}
	io.WriteString(w, "hello, ")
	io.WriteString(w, "world")
	if w.N != 12 || b.String() != "hello, world" {
		t.Fatalf("counted %d, wrote %q", w.N, b.String())
	}
}

func TestProgressStep(t *testing.T) {
	var got []string
	p := Progress(func(step string, done, total int64) { got = append(got, fmt.Sprintf("%s %d/%d", step, done, total)) })
	add := p.Step("delta", 10)
	add(4)
	add(6)
	if want := []string{"delta 0/10", "delta 4/10", "delta 10/10"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	var none Progress
	none.Step("quiet", 5)(5) // no panic
}
