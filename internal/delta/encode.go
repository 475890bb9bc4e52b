package delta

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"

	"github.com/klauspost/compress/zstd"

	"github.com/zonectl/zonectl/internal/hashpipe"
	"github.com/zonectl/zonectl/internal/meter"
)

// targetBufSize is the sliding window over the target: the most target
// bytes Encode holds at once.
const targetBufSize = 4 << 20

// Stats describe one encoded delta.
type Stats struct {
	BasisSize  int64
	TargetSize int64
	DeltaSize  int64 // bytes written to w, header included
	Copied     int64 // target bytes expressed as COPY ops
	Inserted   int64 // target bytes carried as INSERT literals
	Ops        int
}

// Encode writes to w a delta that rebuilds target from basis. It reads the
// basis through its ReaderAt once in full to index it (and hash it, unless
// basis.SHA256 is given), then where matches are verified, and streams the
// target, never holding more than 4 MiB of it. Memory is the anchor index
// (see the package doc) plus bounded buffers.
func Encode(ctx context.Context, w io.Writer, basis Basis, target io.Reader, opts Options) (*Stats, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	if err := basis.check(); err != nil {
		return nil, err
	}
	ix, basisSum, err := buildIndex(ctx, basis, opts.AnchorBits)
	if err != nil {
		return nil, fmt.Errorf("delta: indexing basis: %w", err)
	}
	basisSize := basis.Size

	cw := &meter.Writer{W: w}
	if _, err := cw.Write(header{basisSize: basisSize, basisSum: basisSum}.marshal()); err != nil {
		return nil, err
	}
	zw, err := zstd.NewWriter(cw,
		zstd.WithEncoderLevel(opts.Level),
		zstd.WithWindowSize(encWindow),
		zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("delta: %w", err)
	}
	e := &encoder{
		ctx:       ctx,
		basis:     basis.R,
		basisSize: basisSize,
		ix:        ix,
		minMatch:  opts.MinMatch,
		r:         target,
		sum:       hashpipe.New(),
		buf:       make([]byte, 64<<10), // grows to targetBufSize
		scratch:   make([]byte, 64<<10),
		ow:        &opWriter{w: bufio.NewWriterSize(zw, 64<<10)},
	}
	defer e.sum.Close()
	if err := e.run(); err != nil {
		zw.Close()
		return nil, err
	}
	size := e.base + int64(e.n)
	sum := e.sum.Sum()
	if err := e.ow.end(size, sum[:]); err != nil {
		zw.Close()
		return nil, err
	}
	if err := e.ow.w.Flush(); err != nil {
		zw.Close()
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return &Stats{
		BasisSize:  basisSize,
		TargetSize: size,
		DeltaSize:  cw.N,
		Copied:     e.ow.copied,
		Inserted:   e.ow.inserts,
		Ops:        e.ow.ops,
	}, nil
}

type encoder struct {
	ctx       context.Context
	basis     io.ReaderAt
	basisSize int64
	ix        *index
	minMatch  int

	r    io.Reader
	sum  *hashpipe.SHA256 // of the target, fed as it is read
	buf  []byte           // target bytes from absolute offset base
	base int64
	n    int  // valid bytes in buf
	eof  bool // r is exhausted
	lit  int  // index in buf of the first literal byte not yet emitted

	scratch []byte // basis bytes being compared
	ow      *opWriter
}

// run scans the target, emitting ops.
func (e *encoder) run() error {
	var h uint64
	limit := uint64(1) << e.ix.shift // an anchor iff h < limit
	rolled, i := 0, 0
	for {
		if i >= e.n {
			if e.eof {
				break
			}
			if err := e.ctx.Err(); err != nil {
				return err
			}
			if err := e.ow.insert(e.buf[e.lit:i]); err != nil {
				return err
			}
			e.lit = i
			if err := e.fill(i); err != nil {
				return err
			}
			i = 0
			continue
		}
		h = h<<1 + gear[e.buf[i]]
		i++
		rolled++
		if h < limit && rolled >= gearWindow {
			end, ok, err := e.tryMatch(h, i)
			if err != nil {
				return err
			}
			if ok {
				i, h, rolled = end, 0, 0
			}
		}
	}
	return e.ow.insert(e.buf[e.lit:e.n])
}

// fill drops buf[:keep], which must hold no pending literals, and reads
// the target until buf is full or the target ends.
func (e *encoder) fill(keep int) error {
	e.sum.Wait() // buf is about to change
	copy(e.buf, e.buf[keep:e.n])
	e.n -= keep
	e.base += int64(keep)
	e.lit -= keep
	if e.base > 0 && len(e.buf) < targetBufSize { // the last buffer was full
		grown := make([]byte, min(2*len(e.buf), targetBufSize))
		copy(grown, e.buf[:e.n])
		e.buf = grown
	}
	read := e.n
	for e.n < len(e.buf) && !e.eof {
		m, err := e.r.Read(e.buf[e.n:])
		e.n += m
		if errors.Is(err, io.EOF) {
			e.eof = true
		} else if err != nil {
			return fmt.Errorf("delta: reading target at offset %d: %w", e.base+int64(e.n), err)
		}
	}
	e.sum.Hand(e.buf[read:e.n])
	return nil
}

// tryMatch looks up the anchor hash h ending at buf[i-1]. On a match of at
// least minMatch bytes it emits the pending literals and a COPY, and
// returns the index in buf just past the match.
func (e *encoder) tryMatch(h uint64, i int) (int, bool, error) {
	var best anchor
	bestBwd, bestFwd := 0, 0
	for _, c := range e.ix.lookup(h) {
		bwd, err := e.matchBackward(c.end, e.buf[e.lit:i])
		if err != nil {
			return 0, false, err
		}
		if bwd < min(gearWindow, i-e.lit) { // a hash collision, not the same window
			continue
		}
		fwd, err := e.matchForward(c.end, e.buf[i:e.n])
		if err != nil {
			return 0, false, err
		}
		if bwd+fwd > bestBwd+bestFwd {
			best, bestBwd, bestFwd = c, bwd, fwd
		}
	}
	if bestBwd+bestFwd < e.minMatch {
		return 0, false, nil
	}
	start := i - bestBwd
	if err := e.ow.insert(e.buf[e.lit:start]); err != nil {
		return 0, false, err
	}
	e.lit = start
	off := best.end - int64(bestBwd)
	length := int64(bestBwd + bestFwd)
	cur := i + bestFwd
	// The match ran to the end of the buffer: slide it and go on.
	for cur == e.n && !e.eof && off+length < e.basisSize {
		if err := e.ctx.Err(); err != nil {
			return 0, false, err
		}
		e.lit = cur
		if err := e.fill(cur); err != nil {
			return 0, false, err
		}
		cur = 0
		more, err := e.matchForward(off+length, e.buf[:e.n])
		if err != nil {
			return 0, false, err
		}
		length += int64(more)
		cur = more
	}
	if err := e.ow.copyOp(off, length); err != nil {
		return 0, false, err
	}
	e.lit = cur
	return cur, true, nil
}

// matchForward returns how many leading bytes of data equal the basis from
// offset off.
func (e *encoder) matchForward(off int64, data []byte) (int, error) {
	limit := int(min(int64(len(data)), e.basisSize-off))
	n, chunk := 0, 256
	for n < limit {
		c := min(chunk, limit-n, len(e.scratch))
		if err := readFullAt(e.basis, e.scratch[:c], off+int64(n)); err != nil {
			return n, fmt.Errorf("delta: reading basis at offset %d: %w", off+int64(n), err)
		}
		k := commonPrefix(e.scratch[:c], data[n:n+c])
		n += k
		if k < c {
			break
		}
		chunk = min(2*chunk, len(e.scratch))
	}
	return n, nil
}

// matchBackward returns how many trailing bytes of data equal the basis
// bytes ending just before offset end.
func (e *encoder) matchBackward(end int64, data []byte) (int, error) {
	limit := int(min(int64(len(data)), end))
	n, chunk := 0, 256
	for n < limit {
		c := min(chunk, limit-n, len(e.scratch))
		at := end - int64(n+c)
		if err := readFullAt(e.basis, e.scratch[:c], at); err != nil {
			return n, fmt.Errorf("delta: reading basis at offset %d: %w", at, err)
		}
		d := data[len(data)-n-c : len(data)-n]
		k := commonSuffix(e.scratch[:c], d)
		n += k
		if k < c {
			break
		}
		chunk = min(2*chunk, len(e.scratch))
	}
	return n, nil
}

// commonPrefix returns the length of the common prefix of equal-length a, b.
func commonPrefix(a, b []byte) int {
	n := 0
	for n+8 <= len(a) {
		x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:])
		if x != 0 {
			return n + bits.TrailingZeros64(x)/8
		}
		n += 8
	}
	for n < len(a) && a[n] == b[n] {
		n++
	}
	return n
}

// commonSuffix returns the length of the common suffix of equal-length a, b.
func commonSuffix(a, b []byte) int {
	n := 0
	for n+8 <= len(a) {
		p := len(a) - n - 8
		x := binary.LittleEndian.Uint64(a[p:]) ^ binary.LittleEndian.Uint64(b[p:])
		if x != 0 {
			return n + bits.LeadingZeros64(x)/8
		}
		n += 8
	}
	for n < len(a) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}
