package delta

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// roundTrip encodes target against basis, applies the delta and checks the
// result is exact. It returns the stats and the delta.
func roundTrip(t testing.TB, basis, target []byte, opts Options) (*Stats, []byte) {
	t.Helper()
	ctx := context.Background()
	var d bytes.Buffer
	st, err := Encode(ctx, &d, basisOf(basis), bytes.NewReader(target), opts)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if st.DeltaSize != int64(d.Len()) || st.TargetSize != int64(len(target)) || st.Copied+st.Inserted != st.TargetSize {
		t.Fatalf("inconsistent stats %+v for delta of %d bytes", st, d.Len())
	}
	delta := bytes.Clone(d.Bytes())
	var out bytes.Buffer
	if err := Apply(ctx, &out, basisOf(basis), &d); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if !bytes.Equal(out.Bytes(), target) {
		t.Fatalf("round trip differs: got %d bytes, want %d", out.Len(), len(target))
	}
	return st, delta
}

func basisOf(b []byte) Basis { return Basis{R: bytes.NewReader(b), Size: int64(len(b))} }

// knownBasis is basisOf with the hash the caller claims to know.
func knownBasis(b []byte, sum [32]byte) Basis {
	return Basis{R: bytes.NewReader(b), Size: int64(len(b)), SHA256: sum[:]}
}

func randBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

// text returns n bytes of deterministic line-oriented text.
func text(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	words := []string{"package", "release", "deploy", "space", "variable", "func", "return", "error", "zonectl", "target", "basis", "{", "}", "\n"}
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
		if r.IntN(12) == 0 {
			b.WriteString("\n")
		}
	}
	return b.Bytes()[:n]
}

// editText applies small inserts, deletes and replacements so that offsets
// shift.
func editText(seed uint64, b []byte, edits int) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	out := bytes.Clone(b)
	for range edits {
		p := r.IntN(len(out))
		switch r.IntN(3) {
		case 0:
			out = append(out[:p], append([]byte("inserted line of new text\n"), out[p:]...)...)
		case 1:
			out = append(out[:p], out[min(p+40, len(out)):]...)
		default:
			copy(out[p:], "REPLACED")
		}
	}
	return out
}

func patchEvery(b []byte, stride int) []byte {
	out := bytes.Clone(b)
	for i := stride / 2; i+4 <= len(out); i += stride {
		binary.LittleEndian.PutUint32(out[i:], 0xdeadbeef^uint32(i))
	}
	return out
}

func reverseBlocks(b []byte, block int) []byte {
	var out []byte
	for end := len(b); end > 0; end -= block {
		out = append(out, b[max(0, end-block):end]...)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	bin := randBytes(1, 1<<20)
	txt := text(2, 300<<10)
	tests := []struct {
		name          string
		basis, target []byte
		maxInsertFrac float64 // upper bound on Inserted/TargetSize
	}{
		{"empty", nil, nil, 0},
		{"empty basis", nil, []byte("hello"), 1},
		{"empty target", bin[:1000], nil, 0},
		{"identical", bin, bin, 0},
		{"all new", bin[:300<<10], randBytes(3, 500<<10), 1},
		{"text edits", txt, editText(4, txt, 50), 0.05},
		{"binary patched every 64 KiB", bin, patchEvery(bin, 64<<10), 0.01},
		{"reversed blocks", bin, reverseBlocks(bin, 64<<10), 0},
		// Runs of one byte have no anchors; zstd squeezes the literals.
		{"zeros", make([]byte, 1<<20), append(make([]byte, 3<<20), 1), 1},
		{"target longer than buffer", bin, bytes.Repeat(bin, 5), 0},
		{"prefix of basis", bin, bin[:12345], 0},
		{"tiny", []byte("abc"), []byte("abd"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := roundTrip(t, tt.basis, tt.target, Options{})
			if st.TargetSize > 0 {
				if frac := float64(st.Inserted) / float64(st.TargetSize); frac > tt.maxInsertFrac {
					t.Errorf("inserted %d of %d bytes (%.3f), want at most %.3f", st.Inserted, st.TargetSize, frac, tt.maxInsertFrac)
				}
			}
		})
	}
}

func TestReorderedIsTiny(t *testing.T) {
	basis := randBytes(5, 4<<20)
	target := reverseBlocks(basis, 64<<10)
	st, _ := roundTrip(t, basis, target, Options{})
	if st.DeltaSize*100 >= st.TargetSize {
		t.Errorf("delta of %d bytes for a %d-byte reordered target, want < 1%%", st.DeltaSize, st.TargetSize)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{AnchorBits: 3}, {AnchorBits: 21}, {MinMatch: 7}, {MinMatch: 1 << 17}, {Level: -1}, {Level: 99}} {
		if err := o.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want error", o)
		}
	}
	bin := randBytes(6, 200<<10)
	for _, o := range []Options{{}, {AnchorBits: 4, MinMatch: 8, Level: 1}, {AnchorBits: 20, MinMatch: 1 << 16, Level: 4}} {
		if err := o.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", o, err)
		}
		roundTrip(t, bin, patchEvery(bin, 10000), o)
	}
}

func encode(t *testing.T, basis, target []byte) []byte {
	t.Helper()
	var d bytes.Buffer
	if _, err := Encode(context.Background(), &d, basisOf(basis), bytes.NewReader(target), Options{}); err != nil {
		t.Fatal(err)
	}
	return d.Bytes()
}

func apply(basis, delta []byte, basisSize int64) error {
	var out bytes.Buffer
	return Apply(context.Background(), &out, Basis{R: bytes.NewReader(basis), Size: basisSize}, bytes.NewReader(delta))
}

func TestApplyTruncatedBasis(t *testing.T) {
	basis := randBytes(7, 100<<10)
	d := encode(t, basis, patchEvery(basis, 4096))
	short := basis[:len(basis)-1]
	if err := apply(short, d, int64(len(short))); !isMismatch(err, "basis", "size") {
		t.Errorf("basis one byte short: got %v, want basis size mismatch", err)
	}
	// Claiming the full size over a short reader fails while hashing.
	if err := apply(short, d, int64(len(basis))); err == nil {
		t.Error("short basis reader: got nil error")
	}
	other := bytes.Clone(basis)
	other[500] ^= 1
	if err := apply(other, d, int64(len(other))); !isMismatch(err, "basis", "sha256") {
		t.Errorf("changed basis: got %v, want basis sha256 mismatch", err)
	}
}

// A caller that knows the basis's hash skips hashing it: a claim that
// differs from the delta's header is refused before anything is read, and
// a basis whose bytes differ from the claim still cannot yield a target.
func TestKnownBasisHash(t *testing.T) {
	basis := randBytes(12, 300<<10)
	target := patchEvery(basis, 4096)
	sum := sha256.Sum256(basis)
	var d bytes.Buffer
	if _, err := Encode(context.Background(), &d, knownBasis(basis, sum), bytes.NewReader(target), Options{}); err != nil {
		t.Fatal(err)
	}
	if want := encode(t, basis, target); !bytes.Equal(d.Bytes(), want) {
		t.Fatal("a delta made with the basis hash given differs from one made hashing it")
	}
	var out bytes.Buffer
	if err := Apply(context.Background(), &out, knownBasis(basis, sum), bytes.NewReader(d.Bytes())); err != nil || !bytes.Equal(out.Bytes(), target) {
		t.Fatalf("known basis hash: %v", err)
	}
	wrong := sum
	wrong[0] ^= 1
	out.Reset()
	if err := Apply(context.Background(), &out, knownBasis(basis, wrong), bytes.NewReader(d.Bytes())); !isMismatch(err, "basis", "sha256") || out.Len() != 0 {
		t.Errorf("claimed hash differs from the header: got %v and %d bytes written, want basis sha256 mismatch and none", err, out.Len())
	}
	other := bytes.Clone(basis)
	other[len(other)/2+100] ^= 1 // a byte the target copies, not a patched one
	if err := Apply(context.Background(), &out, knownBasis(other, sum), bytes.NewReader(d.Bytes())); !isMismatch(err, "target", "sha256") {
		t.Errorf("basis bytes differ from the claimed hash: got %v, want target sha256 mismatch", err)
	}
	if _, err := Encode(context.Background(), io.Discard, Basis{R: bytes.NewReader(basis), Size: int64(len(basis)), SHA256: sum[:5]}, bytes.NewReader(target), Options{}); err == nil {
		t.Error("a 5-byte basis hash was accepted")
	}
}

func isMismatch(err error, what, field string) bool {
	var m *MismatchError
	return errors.As(err, &m) && m.What == what && m.Field == field
}

// craft builds a delta by hand from raw ops.
func craft(t testing.TB, basis []byte, ops []byte) []byte {
	t.Helper()
	h := header{basisSize: int64(len(basis)), basisSum: sha256.Sum256(basis)}
	var d bytes.Buffer
	d.Write(h.marshal())
	zw := newTestZstd(t, &d)
	zw.Write(ops)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return d.Bytes()
}

func endOp(target []byte) []byte {
	b := binary.AppendUvarint([]byte{opEnd}, uint64(len(target)))
	s := sha256.Sum256(target)
	return append(b, s[:]...)
}

func copyOp(off, n uint64) []byte {
	return binary.AppendUvarint(binary.AppendUvarint([]byte{opCopy}, off), n)
}

func insertOp(p []byte) []byte {
	return append(binary.AppendUvarint([]byte{opInsert}, uint64(len(p))), p...)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestApplyCrafted(t *testing.T) {
	basis := []byte("0123456789abcdefghij")
	want := []byte("cdefXY0123")
	good := cat(copyOp(12, 4), insertOp([]byte("XY")), copyOp(0, 4), endOp(want))
	var out bytes.Buffer
	if err := Apply(context.Background(), &out, basisOf(basis), bytes.NewReader(craft(t, basis, good))); err != nil || out.String() != string(want) {
		t.Fatalf("crafted good delta: got %q, %v", out.String(), err)
	}
	tests := []struct {
		name string
		ops  []byte
	}{
		{"copy past basis", cat(copyOp(18, 4), endOp(want))},
		{"copy offset past basis", cat(copyOp(21, 1), endOp(want))},
		{"copy length overflows", cat(copyOp(4, 1<<64-2), endOp(want))},
		{"copy zero length", cat(copyOp(0, 0), endOp(nil))},
		{"insert too long", cat(binary.AppendUvarint([]byte{opInsert}, maxInsert+1), endOp(want))},
		{"insert huge", cat(binary.AppendUvarint([]byte{opInsert}, 1<<62), endOp(want))},
		{"insert truncated", cat(binary.AppendUvarint([]byte{opInsert}, 10), []byte("abc"))},
		{"varint truncated", []byte{opCopy, 0x80}},
		{"varint overflow", cat([]byte{opCopy}, bytes.Repeat([]byte{0xff}, 11))},
		{"no END", cat(copyOp(0, 4))},
		{"unknown op", cat([]byte{7}, endOp(want))},
		{"END truncated", endOp(want)[:10]},
		{"data after END", cat(good, []byte{opInsert})},
		{"wrong target size", cat(copyOp(0, 4), endOp([]byte("0123x")))},
		{"wrong target sum", cat(copyOp(0, 4), endOp([]byte("0124")))},
		{"empty stream", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := apply(basis, craft(t, basis, tt.ops), int64(len(basis)))
			if err == nil {
				t.Fatal("got nil error")
			}
			var m *MismatchError
			if !errors.Is(err, ErrCorrupt) && !errors.As(err, &m) {
				t.Errorf("error %v is neither ErrCorrupt nor *MismatchError", err)
			}
		})
	}
}

func TestApplyCorrupted(t *testing.T) {
	basis := text(8, 200<<10)
	target := editText(9, basis, 20)
	d := encode(t, basis, target)
	if err := apply(basis, append(bytes.Clone(d), 0xde, 0xad), int64(len(basis))); err == nil {
		t.Error("trailing garbage after the zstd stream: got nil error")
	}
	for i := range len(d) - 1 {
		if err := apply(basis, d[:i], int64(len(basis))); err == nil {
			t.Fatalf("delta truncated to %d of %d bytes: got nil error", i, len(d))
		}
	}
	r := rand.New(rand.NewPCG(10, 10))
	for range 300 {
		c := bytes.Clone(d)
		for range 1 + r.IntN(3) {
			c[r.IntN(len(c))] ^= byte(1 + r.IntN(255))
		}
		if err := apply(basis, c, int64(len(basis))); err == nil {
			t.Fatalf("corrupted delta applied without error")
		}
	}
}

func TestContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	basis := randBytes(11, 10<<10)
	var d bytes.Buffer
	if _, err := Encode(ctx, &d, basisOf(basis), bytes.NewReader(basis), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Encode: got %v, want context.Canceled", err)
	}
}

// A match longer than a few MiB, which any small change to a large
// package has, once overflowed the doubling read size in matchForward.
func TestLongMatch(t *testing.T) {
	basis := randBytes(13, 16<<20)
	st, _ := roundTrip(t, basis, basis, Options{})
	if st.Inserted != 0 {
		t.Errorf("identical 16 MiB: %d bytes inserted", st.Inserted)
	}
	target := bytes.Clone(basis)
	target[12<<20] ^= 1
	roundTrip(t, basis, reverseBlocks(target, 8<<20), Options{})
}
