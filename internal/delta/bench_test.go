package delta

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/zonectl/zonectl/internal/meter"
)

// benchPair returns 32 MiB of deterministic data, half text and half
// random, and a next version with about 2% of its bytes edited: 1 KiB
// replacements, insertions and deletions that shift offsets.
var benchPair = sync.OnceValues(func() ([]byte, []byte) {
	const size = 32 << 20
	var basis []byte
	for i := uint64(0); len(basis) < size; i++ {
		if i%2 == 0 {
			basis = append(basis, text(100+i, 1<<20)...)
		} else {
			basis = append(basis, randBytes(100+i, 1<<20)...)
		}
	}
	r := rand.New(rand.NewPCG(42, 42))
	target := bytes.Clone(basis)
	const edit = 1 << 10
	for range size / 50 / edit {
		p := r.IntN(len(target) - edit)
		switch r.IntN(3) {
		case 0:
			copy(target[p:], randBytes(r.Uint64(), edit))
		case 1:
			target = append(target[:p], append(randBytes(r.Uint64(), edit), target[p:]...)...)
		default:
			target = append(target[:p], target[p+edit:]...)
		}
	}
	return basis, target
})

// BenchmarkEncode reports our delta beside the reference of zstd alone
// (klauspost, default level) compressing the same target:
//
//	go test -run '^$' -bench Encode -benchtime 3x ./internal/delta/
func BenchmarkEncode(b *testing.B) {
	basis, target := benchPair()
	b.Run("delta", func(b *testing.B) {
		b.SetBytes(int64(len(target)))
		var st *Stats
		for b.Loop() {
			var err error
			st, err = Encode(context.Background(), io.Discard, basisOf(basis), bytes.NewReader(target), Options{})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(st.DeltaSize), "delta-bytes")
		b.ReportMetric(float64(st.DeltaSize)/float64(len(target)), "ratio")
	})
	b.Run("zstd-alone", func(b *testing.B) {
		b.SetBytes(int64(len(target)))
		var n int64
		for b.Loop() {
			cw := &meter.Writer{W: io.Discard}
			zw, err := zstd.NewWriter(cw, zstd.WithEncoderConcurrency(1))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := zw.Write(target); err != nil {
				b.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				b.Fatal(err)
			}
			n = cw.N
		}
		b.ReportMetric(float64(n), "delta-bytes")
		b.ReportMetric(float64(n)/float64(len(target)), "ratio")
	})
}

// BenchmarkApply measures rebuilding the target, its SHA-256 check
// included: with the basis hashed first, and with its hash known (as the
// package store knows it). The reference is Go's SHA-256 alone over the
// target; the target is to apply at least half as fast:
//
//	go test -run '^$' -bench Apply -benchtime 5x ./internal/delta/
func BenchmarkApply(b *testing.B) {
	basis, target := benchPair()
	var d bytes.Buffer
	if _, err := Encode(context.Background(), &d, basisOf(basis), bytes.NewReader(target), Options{}); err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(basis)
	for _, bc := range []struct {
		name  string
		basis Basis
	}{{"hash-basis", basisOf(basis)}, {"known-basis", knownBasis(basis, sum)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(target)))
			for b.Loop() {
				if err := Apply(context.Background(), io.Discard, bc.basis, bytes.NewReader(d.Bytes())); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("sha256-reference", func(b *testing.B) {
		b.SetBytes(int64(len(target)))
		for b.Loop() {
			sha256.Sum256(target)
		}
	})
}
