package delta

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/klauspost/compress/zstd"
)

// maxTargetSize bounds the total output a delta may describe.
const maxTargetSize = 1 << 62

// Apply rebuilds the target described by delta from basis, writing it to w.
//
//  1. Read the header and check the basis size it records.
//  2. Hash the whole basis (one sequential read through ReaderAt) and check
//     the SHA-256 the header records, before writing anything.
//  3. Decode the ops, bounds-checking every field, writing COPY and INSERT
//     output to w while hashing it.
//  4. At END, refuse anything that follows, then check the target size and
//     SHA-256 against what was written.
//
// A basis that does not match and a target that does not hash as recorded
// are *MismatchError; a malformed delta wraps ErrCorrupt. On any error, w
// may have received part of a wrong target: callers write to a temporary
// file and rename it only on success.
func Apply(ctx context.Context, w io.Writer, basis io.ReaderAt, basisSize int64, delta io.Reader) error {
	if basisSize < 0 {
		return fmt.Errorf("delta: negative basis size %d", basisSize)
	}
	h, err := readHeader(delta)
	if err != nil {
		return err
	}
	if h.basisSize != basisSize {
		return &MismatchError{What: "basis", Field: "size",
			Want: fmt.Sprint(h.basisSize), Have: fmt.Sprint(basisSize)}
	}
	buf := make([]byte, min(max(basisSize, 64<<10), maxInsert)) // grows to maxInsert for INSERT
	if err := checkBasis(ctx, basis, basisSize, h.basisSum, buf); err != nil {
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
	a := &applier{
		basis:     basis,
		basisSize: basisSize,
		r:         bufio.NewReaderSize(zr, 64<<10),
		sum:       sha256.New(),
		buf:       buf,
	}
	a.w = io.MultiWriter(w, a.sum)
	return a.run(ctx)
}

// checkBasis hashes the basis and compares it with want.
func checkBasis(ctx context.Context, basis io.ReaderAt, size int64, want [sha256.Size]byte, buf []byte) error {
	sum := sha256.New()
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

type applier struct {
	basis     io.ReaderAt
	basisSize int64
	r         *bufio.Reader
	w         io.Writer
	sum       hash.Hash
	buf       []byte
	written   int64
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
		c := int(min(int64(len(a.buf)), end-pos))
		if err := readFullAt(a.basis, a.buf[:c], pos); err != nil {
			return fmt.Errorf("delta: op %d: reading basis at offset %d: %w", op, pos, err)
		}
		if _, err := a.w.Write(a.buf[:c]); err != nil {
			return err
		}
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
	if int(n) > len(a.buf) {
		a.buf = make([]byte, n)
	}
	if _, err := io.ReadFull(a.r, a.buf[:n]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("delta: op %d: reading %d insert bytes: %w: %w", op, n, ErrCorrupt, err)
	}
	_, err = a.w.Write(a.buf[:n])
	return err
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
	if size != uint64(a.written) {
		return &MismatchError{What: "target", Field: "size",
			Want: fmt.Sprint(size), Have: fmt.Sprint(a.written)}
	}
	var have [sha256.Size]byte
	a.sum.Sum(have[:0])
	if have != want {
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
