package hashpipe

import (
	"crypto/sha256"
	"math/rand/v2"
	"testing"
)

// The hash of slices handed in turn from two reused buffers equals the
// hash of the whole, whatever the slice sizes, as long as each buffer is
// refilled only after the next Hand.
func TestTwoBuffers(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 3<<20+17)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	bufs := [2][]byte{make([]byte, 64<<10), make([]byte, 64<<10)}
	s := New()
	for off, turn := 0, 0; off < len(data); turn ^= 1 {
		n := copy(bufs[turn][:1+r.IntN(64<<10)], data[off:])
		s.Hand(bufs[turn][:n])
		off += n
	}
	if got, want := s.Sum(), sha256.Sum256(data); got != want {
		t.Fatalf("got %x, want %x", got, want)
	}
	s.Close() // after Sum: no panic
}

func TestEmpty(t *testing.T) {
	s := New()
	s.Hand(nil)
	if got, want := s.Sum(), sha256.Sum256(nil); got != want {
		t.Fatalf("got %x, want %x", got, want)
	}
}

func TestCloseWithoutSum(t *testing.T) {
	s := New()
	s.Hand([]byte("abc"))
	s.Close()
	s.Close()
}
