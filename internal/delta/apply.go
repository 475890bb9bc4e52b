package delta

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"

	"github.com/zonectl/zonectl/internal/hashpipe"
)

// maxTargetSize bounds the total output a delta may describe.
const maxTargetSize = 1 << 62

// outChunk is the size of each of Apply's two output buffers: one is
// hashed while the other is filled.
const outChunk = 1 << 20

// Apply rebuilds the target described by delta from basis, writing it to w.
//
//  1. Read the header and check the basis size it records.
//  2. Check the basis SHA-256 the header records: against basis.SHA256
//     when the caller knows it, else by hashing the whole basis (one
//     sequential read) before writing anything.
//  3. Decode the ops, bounds-checking every field, writing COPY and INSERT
//     output to w while hashing it.
//  4. At END, refuse anything that follows, then check the target size and
//     SHA-256 against what was written.
//
// A basis that does not match and a target that does not hash as recorded
// are *MismatchError; a malformed delta wraps ErrCorrupt. On any error, w
// may have received part of a wrong target: callers write to a temporary
// file and rename it only on success.
func Apply(ctx context.Context, w io.Writer, basis Basis, delta io.Reader) error {
	if err := basis.check(); err != nil {
		return err
	}
	h, err := readHeader(delta)
	if err != nil {
		return err
	}
	if h.basisSize != basis.Size {
		return &MismatchError{What: "basis", Field: "size",
			Want: fmt.Sprint(h.basisSize), Have: fmt.Sprint(basis.Size)}
	}
	if basis.SHA256 != nil {
		if have := [sha256.Size]byte(basis.SHA256); have != h.basisSum {
			return &MismatchError{What: "basis", Field: "sha256",
				Want: fmt.Sprintf("%x", h.basisSum), Have: fmt.Sprintf("%x", have)}
		}
	} else if err := checkBasis(ctx, basis.R, basis.Size, h.basisSum); err != nil {
		return err
	}

	zr, err := zstd.NewReader(delta,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(maxDecWindow),
		zstd.WithDecoderMaxMemory(maxDecWindow))
	if err != nil {
		return fmt.Errorf("delta: %w", err)
	}
	defer zr.Close()
	size := int(min(max(basis.Size, 64<<10), outChunk))
	a := &applier{
		basis:     basis.R,
		basisSize: basis.Size,
		r:         bufio.NewReaderSize(zr, 64<<10),
		w:         w,
		sum:       hashpipe.New(),
		bufs:      [2][]byte{make([]byte, size), make([]byte, size)},
	}
	defer a.sum.Close()
	return a.run(ctx)
}

// checkBasis hashes the basis and compares it with want.
func checkBasis(ctx context.Context, basis io.ReaderAt, size int64, want [sha256.Size]byte) error {
	sum := sha256.New()
	buf := make([]byte, min(max(size, 64<<10), outChunk))
	for off := int64(0); off < size; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := int(min(int64(len(buf)), size-off))
		if err := readFullAt(basis, buf[:n], off); err != nil {
			return fmt.Errorf("delta: reading basis at offset %d of %d: %w", off, size, err)
		}
		sum.Write(buf[:n])
		off += int64(n)
	}
	if have := sumOf(sum); have != want {
		return &MismatchError{What: "basis", Field: "sha256",
			Want: fmt.Sprintf("%x", want), Have: fmt.Sprintf("%x", have)}
	}
	return nil
}

// applier writes the target through two alternating buffers: while one is
// written to w and hashed on the side, the next is filled from the basis
// and the literals.
type applier struct {
	basis     io.ReaderAt
	basisSize int64
	r         *bufio.Reader
	w         io.Writer
	sum       *hashpipe.SHA256
	bufs      [2][]byte
	cur       int // the buffer being filled
	fill      int // bytes in it
	written   int64
}

// space returns the free part of the current buffer, flushing it first
// when it is full.
func (a *applier) space() ([]byte, error) {
	if a.fill == len(a.bufs[a.cur]) {
		if err := a.flush(); err != nil {
			return nil, err
		}
	}
	return a.bufs[a.cur][a.fill:], nil
}

// flush hands the current buffer to the hash, writes it, and turns to the
// other one, whose hash hand has waited for.
func (a *applier) flush() error {
	p := a.bufs[a.cur][:a.fill]
	a.sum.Hand(p)
	if _, err := a.w.Write(p); err != nil {
		return err
	}
	a.cur ^= 1
	a.fill = 0
	return nil
}

func (a *applier) run(ctx context.Context) error {
	for op := 0; ; op++ {
		if op%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		code, err := a.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("delta: op %d: stream ends before END: %w: %w", op, ErrCorrupt, err)
		}
		switch code {
		case opCopy:
			err = a.copyOp(op)
		case opInsert:
			err = a.insertOp(op)
		case opEnd:
			return a.endOp(op)
		default:
			err = fmt.Errorf("delta: op %d: unknown op code 0x%02x: %w", op, code, ErrCorrupt)
		}
		if err != nil {
			return err
		}
	}
}

func (a *applier) copyOp(op int) error {
	off, err := readUvarint(a.r, op, "copy offset")
	if err != nil {
		return err
	}
	n, err := readUvarint(a.r, op, "copy length")
	if err != nil {
		return err
	}
	size := uint64(a.basisSize)
	if n == 0 || off > size || n > size-off {
		return fmt.Errorf("delta: op %d: copy [%d, +%d) outside basis of %d bytes: %w", op, off, n, size, ErrCorrupt)
	}
	if err := a.grow(op, n); err != nil {
		return err
	}
	for pos, end := int64(off), int64(off+n); pos < end; {
		p, err := a.space()
		if err != nil {
			return err
		}
		c := int(min(int64(len(p)), end-pos))
		if err := readFullAt(a.basis, p[:c], pos); err != nil {
			return fmt.Errorf("delta: op %d: reading basis at offset %d: %w", op, pos, err)
		}
		a.fill += c
		pos += int64(c)
	}
	return nil
}

func (a *applier) insertOp(op int) error {
	n, err := readUvarint(a.r, op, "insert length")
	if err != nil {
		return err
	}
	if n == 0 || n > maxInsert {
		return fmt.Errorf("delta: op %d: insert length %d out of range 1..%d: %w", op, n, maxInsert, ErrCorrupt)
	}
	if err := a.grow(op, n); err != nil {
		return err
	}
	for left := int(n); left > 0; {
		p, err := a.space()
		if err != nil {
			return err
		}
		c := min(len(p), left)
		if _, err := io.ReadFull(a.r, p[:c]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("delta: op %d: reading %d insert bytes: %w: %w", op, n, ErrCorrupt, err)
		}
		a.fill += c
		left -= c
	}
	return nil
}

func (a *applier) endOp(op int) error {
	size, err := readUvarint(a.r, op, "target size")
	if err != nil {
		return err
	}
	var want [sha256.Size]byte
	if _, err := io.ReadFull(a.r, want[:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("delta: op %d: reading target sha256: %w: %w", op, ErrCorrupt, err)
	}
	switch _, err := a.r.ReadByte(); {
	case err == nil:
		return fmt.Errorf("delta: op %d: data after END: %w", op, ErrCorrupt)
	case !errors.Is(err, io.EOF):
		return fmt.Errorf("delta: after END: %w: %w", ErrCorrupt, err)
	}
	if err := a.flush(); err != nil {
		return err
	}
	if size != uint64(a.written) {
		return &MismatchError{What: "target", Field: "size",
			Want: fmt.Sprint(size), Have: fmt.Sprint(a.written)}
	}
	if have := a.sum.Sum(); have != want {
		return &MismatchError{What: "target", Field: "sha256",
			Want: fmt.Sprintf("%x", want), Have: fmt.Sprintf("%x", have)}
	}
	return nil
}

// grow accounts for n more output bytes, refusing a total past maxTargetSize.
func (a *applier) grow(op int, n uint64) error {
	if n > maxTargetSize-uint64(a.written) {
		return fmt.Errorf("delta: op %d: target exceeds %d bytes: %w", op, uint64(maxTargetSize), ErrCorrupt)
	}
	a.written += int64(n)
	return nil
}
