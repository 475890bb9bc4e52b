package delta

import (
	"context"
	"crypto/sha256"
	"hash"
	"io"
	"slices"

	"github.com/zonectl/zonectl/internal/hashpipe"
)

// gearWindow is the span of the Gear hash: each step shifts h left by one,
// so a byte has left a 64-bit h after 64 steps.
const gearWindow = 64

// maxCandidates bounds the basis offsets kept per anchor hash, so that
// repetitive data (runs of zeros) cannot make lookups quadratic.
const maxCandidates = 4

// gear is a fixed table of random 64-bit values, one per byte value,
// generated deterministically with splitmix64.
var gear = func() (t [256]uint64) {
	x := uint64(0x5a6f6e6563746c21)
	for i := range t {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		t[i] = z ^ z>>31
	}
	return t
}()

// anchor records that the Gear hash of the 64 bytes ending just before
// basis offset end equals hash.
type anchor struct {
	hash uint64
	end  int64
}

// index maps anchor hashes to basis offsets, sorted by hash.
type index struct {
	anchors []anchor
	shift   uint // anchor iff h>>shift == 0
}

// buildIndex reads the whole basis once, sampling anchors, and hashes it
// with SHA-256 on the side unless the caller knows its hash.
func buildIndex(ctx context.Context, basis Basis, bits int) (*index, [sha256.Size]byte, error) {
	size := basis.Size
	ix := &index{shift: uint(64 - bits)}
	minGap := int64(1) << (bits - 1)
	// An anchor follows the one before after minGap bytes plus, on
	// average, 2^bits more: one per 1.5×2^bits bytes. Reserving that many
	// up front, plus a tenth, keeps append from doubling a large index
	// and leaving the old copy for the collector (a 4 GiB basis peaked at
	// four times its index so).
	ix.anchors = make([]anchor, 0, size/(3<<(bits-1))*11/10+16)
	var sum *hashpipe.SHA256
	if basis.SHA256 == nil {
		sum = hashpipe.New()
		defer sum.Close()
	}
	// Two buffers, so that one is hashed while the other is scanned.
	bufs := [2][]byte{make([]byte, min(size, 1<<20)), make([]byte, min(size, 1<<20))}
	var h uint64
	limit := uint64(1) << ix.shift // an anchor iff h < limit
	last := -minGap
	for off, turn := int64(0), 0; off < size; turn ^= 1 {
		if err := ctx.Err(); err != nil {
			return nil, [32]byte{}, err
		}
		buf := bufs[turn]
		n := int(min(int64(len(buf)), size-off))
		// hand waited for the hash of this buffer's last turn.
		if err := readFullAt(basis.R, buf[:n], off); err != nil {
			return nil, [32]byte{}, err
		}
		if sum != nil {
			sum.Hand(buf[:n])
		}
		// The hot loop of Encode: one shift, add and compare per byte,
		// everything else on the rare anchor path.
		for i, b := range buf[:n] {
			h = h<<1 + gear[b]
			if h < limit {
				pos := off + int64(i) + 1 // offset just past b
				if pos >= gearWindow && pos-last >= minGap {
					ix.anchors = append(ix.anchors, anchor{h, pos})
					last = pos
				}
			}
		}
		off += int64(n)
	}
	slices.SortFunc(ix.anchors, func(a, b anchor) int {
		if a.hash != b.hash {
			if a.hash < b.hash {
				return -1
			}
			return 1
		}
		return int(min(max(a.end-b.end, -1), 1))
	})
	ix.anchors = capRuns(ix.anchors)
	if sum == nil {
		return ix, [sha256.Size]byte(basis.SHA256), nil
	}
	return ix, sum.Sum(), nil
}

// capRuns keeps at most maxCandidates anchors per hash, in place.
func capRuns(a []anchor) []anchor {
	out := a[:0]
	run := 0
	for i, x := range a {
		if i > 0 && x.hash == a[i-1].hash {
			run++
		} else {
			run = 0
		}
		if run < maxCandidates {
			out = append(out, x)
		}
	}
	return slices.Clip(out)
}

// lookup returns the anchors with hash h.
func (ix *index) lookup(h uint64) []anchor {
	i, _ := slices.BinarySearchFunc(ix.anchors, h, func(a anchor, h uint64) int {
		switch {
		case a.hash < h:
			return -1
		case a.hash > h:
			return 1
		}
		return 0
	})
	j := i
	for j < len(ix.anchors) && ix.anchors[j].hash == h {
		j++
	}
	return ix.anchors[i:j]
}

func sumOf(h hash.Hash) (s [sha256.Size]byte) {
	h.Sum(s[:0])
	return s
}

// readFullAt reads len(p) bytes at off, treating a short read as an error.
func readFullAt(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}
