package meter

import (
	"bytes"
	"io"
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
