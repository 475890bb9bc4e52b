package bundle

import (
	"compress/zlib"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
)

// packVersion is the only pack version git writes and go-git reads.
const packVersion = 2

// packHeader returns the 12 bytes that open a pack of count entries.
func packHeader(count uint32) []byte {
	return []byte{'P', 'A', 'C', 'K',
		0, 0, 0, packVersion,
		byte(count >> 24), byte(count >> 16), byte(count >> 8), byte(count)}
}

// entryHeader encodes a pack entry's type and inflated size.
func entryHeader(t plumbing.ObjectType, size int64) []byte {
	b := []byte{byte(t)<<4 | byte(size&0x0f)}
	size >>= 4
	for size > 0 {
		b[len(b)-1] |= 0x80
		b = append(b, byte(size&0x7f))
		size >>= 7
	}
	return b
}

// ofsDeltaOffset encodes the distance back to an OFS_DELTA entry's base in
// git's offset encoding (each continuation adds one before shifting).
func ofsDeltaOffset(distance int64) []byte {
	b := []byte{byte(distance & 0x7f)}
	for distance >>= 7; distance > 0; distance >>= 7 {
		distance--
		b = append([]byte{byte(0x80 | distance&0x7f)}, b...)
	}
	return b
}

// deflater compresses pack entry bodies, reusing one zlib writer.
type deflater struct{ zw *zlib.Writer }

// deflate writes data zlib-compressed to w.
func (d *deflater) deflate(w io.Writer, data io.Reader) error {
	if d.zw == nil {
		d.zw = zlib.NewWriter(w)
	} else {
		d.zw.Reset(w)
	}
	if _, err := io.Copy(d.zw, data); err != nil {
		return err
	}
	return d.zw.Close()
}
