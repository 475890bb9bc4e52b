package delta

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func newTestZstd(t testing.TB, w io.Writer) *zstd.Encoder {
	zw, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	return zw
}

var fuzzBasis = []byte("0123456789abcdefghijklmnopqrstuvwxyz ZONECTL basis for fuzzing the delta decoder")

func FuzzApply(f *testing.F) {
	target := []byte("abcdefghijXYZ0123456789 ZONECTL")
	var d bytes.Buffer
	if _, err := Encode(context.Background(), &d, basisOf(fuzzBasis), bytes.NewReader(target), Options{MinMatch: 8}); err != nil {
		f.Fatal(err)
	}
	f.Add(d.Bytes())
	f.Add(craft(f, fuzzBasis, cat(copyOp(10, 10), insertOp([]byte("x")), endOp(nil))))
	f.Add(craft(f, fuzzBasis, cat(copyOp(70, 100), endOp(nil))))
	f.Add([]byte("ZDLT\x01"))
	f.Fuzz(func(t *testing.T, delta []byte) {
		// Output is bounded by limitWriter: a hostile delta must not make
		// Apply allocate; writes past the limit stop it with an error.
		w := &limitWriter{n: 64 << 20}
		err := Apply(context.Background(), w, basisOf(fuzzBasis), bytes.NewReader(delta))
		if err == nil && !bytes.HasPrefix(delta, []byte(magic)) {
			t.Fatal("delta without magic applied")
		}
	})
}

type limitWriter struct{ n int64 }

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, io.ErrShortWrite
	}
	l.n -= int64(len(p))
	return len(p), nil
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello world, hello world"), []byte("world hello, hello world!"), uint8(0))
	f.Add(randBytes(1, 3000), reverseBlocks(randBytes(1, 3000), 500), uint8(3))
	f.Add([]byte{}, []byte{}, uint8(1))
	f.Fuzz(func(t *testing.T, basis, target []byte, mode uint8) {
		// Derive targets that share content with the basis, so that
		// matching is exercised, not only literals.
		switch mode % 4 {
		case 1:
			target = append(bytes.Clone(basis), target...)
		case 2:
			target = append(bytes.Clone(target), basis...)
			target = append(target, basis...)
		case 3:
			target = reverseBlocks(append(bytes.Clone(basis), target...), 100)
		}
		roundTrip(t, basis, target, Options{AnchorBits: 4, MinMatch: 8})
	})
}
