// Package packfmt encodes the framing of a Git pack: the header that opens
// it and the header of each entry. gitstore/bundle writes whole packs with
// deltas; gitstore writes the three-object pack of a pushed file. What goes
// between the headers (zlib streams, delta instructions) and the trailing
// SHA-1 stay with them.
package packfmt

import "github.com/go-git/go-git/v5/plumbing"

// Version is the only pack version git writes and go-git reads.
const Version = 2

// Header returns the 12 bytes that open a pack of count entries.
func Header(count uint32) []byte {
	return []byte{'P', 'A', 'C', 'K',
		0, 0, 0, Version,
		byte(count >> 24), byte(count >> 16), byte(count >> 8), byte(count)}
}

// EntryHeader encodes a pack entry's type and inflated size.
func EntryHeader(t plumbing.ObjectType, size int64) []byte {
	b := []byte{byte(t)<<4 | byte(size&0x0f)}
	size >>= 4
	for size > 0 {
		b[len(b)-1] |= 0x80
		b = append(b, byte(size&0x7f))
		size >>= 7
	}
	return b
}

// OfsDeltaOffset encodes the distance back to an OFS_DELTA entry's base in
// git's offset encoding (each continuation adds one before shifting).
func OfsDeltaOffset(distance int64) []byte {
	b := []byte{byte(distance & 0x7f)}
	for distance >>= 7; distance > 0; distance >>= 7 {
		distance--
		b = append([]byte{byte(0x80 | distance&0x7f)}, b...)
	}
	return b
}
