package recompress

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// gzip header flags (RFC 1952, section 2.3.1).
const (
	flagText    = 1 << 0
	flagHCRC    = 1 << 1
	flagExtra   = 1 << 2
	flagName    = 1 << 3
	flagComment = 1 << 4
)

// maxHeader bounds a gzip header's optional fields: a name or comment
// longer than this is not worth rebuilding around.
const maxHeader = 64 << 10

// errNotGzip says the data does not start with a gzip header.
var errNotGzip = errors.New("not a gzip file")

// readHeader reads a gzip member header from r and returns its bytes as
// they are, so that a rebuild can write them back verbatim.
func readHeader(r *bufio.Reader) ([]byte, error) {
	fixed := make([]byte, 10)
	if _, err := io.ReadFull(r, fixed); err != nil {
		return nil, errNotGzip
	}
	if fixed[0] != 0x1f || fixed[1] != 0x8b {
		return nil, errNotGzip
	}
	if fixed[2] != 8 {
		return nil, fmt.Errorf("gzip compression method %d: only deflate (8) is known", fixed[2])
	}
	flags := fixed[3]
	if flags&^(flagText|flagHCRC|flagExtra|flagName|flagComment) != 0 {
		return nil, fmt.Errorf("gzip header flags %#x: reserved bits set", flags)
	}
	hdr := fixed
	if flags&flagExtra != 0 {
		var n [2]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return nil, fmt.Errorf("gzip header extra field: %w", io.ErrUnexpectedEOF)
		}
		size := int(n[0]) | int(n[1])<<8
		hdr = append(hdr, n[:]...)
		extra := make([]byte, size)
		if _, err := io.ReadFull(r, extra); err != nil {
			return nil, fmt.Errorf("gzip header extra field: %w", io.ErrUnexpectedEOF)
		}
		hdr = append(hdr, extra...)
	}
	for _, f := range []byte{flagName, flagComment} {
		if flags&f == 0 {
			continue
		}
		s, err := r.ReadBytes(0)
		if err != nil {
			return nil, fmt.Errorf("gzip header: a name or comment without its terminating zero: %w", io.ErrUnexpectedEOF)
		}
		hdr = append(hdr, s...)
		if len(hdr) > maxHeader {
			return nil, fmt.Errorf("gzip header is over %d bytes", maxHeader)
		}
	}
	if flags&flagHCRC != 0 {
		var crc [2]byte
		if _, err := io.ReadFull(r, crc[:]); err != nil {
			return nil, fmt.Errorf("gzip header CRC: %w", io.ErrUnexpectedEOF)
		}
		hdr = append(hdr, crc[:]...)
	}
	return hdr, nil
}
