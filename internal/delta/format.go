package delta

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

const (
	magic      = "ZDLT"
	version    = 1
	headerSize = 4 + 1 + 8 + sha256.Size

	opEnd    = 0x00
	opCopy   = 0x01
	opInsert = 0x02

	// maxInsert caps one INSERT op, so Apply never allocates more than
	// this for literals whatever the delta says.
	maxInsert = 1 << 20

	// zstd window: the encoder uses encWindow, the decoder accepts up to
	// maxDecWindow, bounding Apply's memory against hostile frames.
	encWindow    = 4 << 20
	maxDecWindow = 8 << 20
)

// ErrCorrupt is wrapped by every error about a malformed delta.
var ErrCorrupt = errors.New("corrupt delta")

// MismatchError reports that a basis or a rebuilt target does not match
// what the delta's header or END op records. It is a verification failure,
// distinct from a malformed delta.
type MismatchError struct {
	What       string // "basis" or "target"
	Field      string // "size" or "sha256"
	Want, Have string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("delta: %s %s mismatch: delta records %s, have %s", e.What, e.Field, e.Want, e.Have)
}

type header struct {
	basisSize int64
	basisSum  [sha256.Size]byte
}

func (h header) marshal() []byte {
	b := make([]byte, 0, headerSize)
	b = append(b, magic...)
	b = append(b, version)
	b = binary.BigEndian.AppendUint64(b, uint64(h.basisSize))
	return append(b, h.basisSum[:]...)
}

func readHeader(r io.Reader) (header, error) {
	var b [headerSize]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return header{}, fmt.Errorf("delta: reading header: %w: %w", ErrCorrupt, err)
	}
	if string(b[:4]) != magic {
		return header{}, fmt.Errorf("delta: bad magic %q: %w", b[:4], ErrCorrupt)
	}
	if b[4] != version {
		return header{}, fmt.Errorf("delta: unsupported version %d: %w", b[4], ErrCorrupt)
	}
	var h header
	size := binary.BigEndian.Uint64(b[5:13])
	if size > 1<<62 {
		return header{}, fmt.Errorf("delta: basis size %d out of range: %w", size, ErrCorrupt)
	}
	h.basisSize = int64(size)
	copy(h.basisSum[:], b[13:])
	return h, nil
}

// opWriter writes ops to the (compressing) writer.
type opWriter struct {
	w       *bufio.Writer
	scratch [1 + 2*binary.MaxVarintLen64]byte
	ops     int
	copied  int64
	inserts int64
}

func (o *opWriter) copyOp(off, n int64) error {
	b := append(o.scratch[:0], opCopy)
	b = binary.AppendUvarint(b, uint64(off))
	b = binary.AppendUvarint(b, uint64(n))
	o.ops++
	o.copied += n
	_, err := o.w.Write(b)
	return err
}

// insert writes p as INSERT ops of at most maxInsert bytes.
func (o *opWriter) insert(p []byte) error {
	for len(p) > 0 {
		n := min(len(p), maxInsert)
		b := append(o.scratch[:0], opInsert)
		b = binary.AppendUvarint(b, uint64(n))
		if _, err := o.w.Write(b); err != nil {
			return err
		}
		if _, err := o.w.Write(p[:n]); err != nil {
			return err
		}
		o.ops++
		o.inserts += int64(n)
		p = p[n:]
	}
	return nil
}

func (o *opWriter) end(size int64, sum []byte) error {
	b := append(o.scratch[:0], opEnd)
	b = binary.AppendUvarint(b, uint64(size))
	if _, err := o.w.Write(b); err != nil {
		return err
	}
	_, err := o.w.Write(sum)
	return err
}

// readUvarint reads a varint field of an op, naming it in errors.
func readUvarint(r io.ByteReader, op int, field string) (uint64, error) {
	v, err := binary.ReadUvarint(r)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, fmt.Errorf("delta: op %d: reading %s: %w: %w", op, field, ErrCorrupt, err)
	}
	return v, nil
}
