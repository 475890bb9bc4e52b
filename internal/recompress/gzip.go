package recompress

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	kpflate "github.com/klauspost/compress/flate"

	"github.com/zonectl/zonectl/internal/meter"
)

// FormatGzip is the one compressed format this package rebuilds.
const FormatGzip = "gzip"

// Params say how to rebuild a compressed file from its content: the
// format, the deflate encoder and level, and the gzip header as it was.
type Params struct {
	Format  string `json:"format"`
	Encoder string `json:"encoder"`
	// EncoderVersion is the build of the encoder that reproduced the file
	// on the sender (a Go release, or a module version), for errors.
	EncoderVersion string `json:"encoder_version,omitempty"`
	Level          int    `json:"level"`
	Header         []byte `json:"header"`
}

// Validate checks p names a format, encoder and level this zonectl has,
// and a well-formed gzip header.
func (p Params) Validate() error {
	if p.Format != FormatGzip {
		return fmt.Errorf("compressed format %q is not one this zonectl rebuilds (%q)", p.Format, FormatGzip)
	}
	if _, err := newEncoder(io.Discard, p); err != nil {
		return err
	}
	h, err := readHeader(bufio.NewReader(bytes.NewReader(p.Header)))
	if err != nil {
		return fmt.Errorf("gzip header: %w", err)
	}
	if len(h) != len(p.Header) {
		return fmt.Errorf("gzip header: %d bytes follow its end", len(p.Header)-len(h))
	}
	return nil
}

// IsGzip reports whether data starts like a gzip file.
func IsGzip(prefix []byte) bool {
	return len(prefix) >= 3 && prefix[0] == 0x1f && prefix[1] == 0x8b && prefix[2] == 8
}

// Detect finds which encoder and level reproduce the gzip file in r
// exactly, decompressing it once and compressing the content again with
// every candidate at once; candidates drop out at their first byte that
// differs, and Detect stops as soon as none is left, so a file made by an
// encoder this zonectl lacks costs little. ok is false when the file is
// not a single-member gzip this zonectl can reproduce; err is for a file
// that cannot be read or is not valid gzip.
func Detect(ctx context.Context, r io.ReaderAt, size int64) (p Params, ok bool, err error) {
	br := bufio.NewReader(io.NewSectionReader(r, 0, size))
	hdr, err := readHeader(br)
	if errors.Is(err, errNotGzip) {
		return Params{}, false, nil
	}
	if err != nil {
		return Params{}, false, err
	}
	start := int64(len(hdr))
	deflated := io.NewSectionReader(r, start, size-start)
	var live []*candidate
	for _, e := range encoders {
		c := &candidate{p: e, want: bufio.NewReaderSize(io.NewSectionReader(r, start, size-start), 32<<10)}
		if c.enc, err = newEncoder(c, e); err != nil {
			return Params{}, false, err
		}
		live = append(live, c)
	}
	below := &meter.Reader{R: deflated}
	counted := bufio.NewReaderSize(below, 256<<10)
	content := kpflate.NewReader(counted) // a *bufio.Reader: read no further than the stream's end
	crc := crc32.NewIEEE()
	var n int64
	buf := make([]byte, 256<<10)
	for len(live) > 0 {
		if err := ctx.Err(); err != nil {
			return Params{}, false, err
		}
		m, rerr := content.Read(buf)
		crc.Write(buf[:m])
		n += int64(m)
		live = feed(live, buf[:m])
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return Params{}, false, fmt.Errorf("gzip data: %w", rerr)
		}
	}
	if len(live) == 0 {
		return Params{}, false, nil
	}
	// The trailer follows the deflate stream, and nothing after it: a
	// second member or trailing bytes are not reproduced.
	consumed := below.N - int64(counted.Buffered())
	end := start + consumed
	var trailer [8]byte
	if _, err := r.ReadAt(trailer[:], end); err != nil {
		return Params{}, false, fmt.Errorf("gzip trailer: %w", io.ErrUnexpectedEOF)
	}
	if err := checkTrailer(trailer, crc.Sum32(), n); err != nil {
		return Params{}, false, err
	}
	if end+8 != size {
		return Params{}, false, nil
	}
	for _, c := range live {
		if c.enc.Close() == nil && c.err == nil && c.matched == consumed {
			c.p.Header = hdr
			c.p.EncoderVersion = EncoderVersion(c.p.Encoder)
			return c.p, true, nil
		}
	}
	return Params{}, false, nil
}

// feed writes p to every live candidate and returns those still agreeing.
func feed(live []*candidate, p []byte) []*candidate {
	out := live[:0]
	for _, c := range live {
		if _, err := c.enc.Write(p); err == nil && c.err == nil {
			out = append(out, c)
		}
	}
	return out
}

// candidate compares what one encoder writes with the file's own deflate
// bytes.
type candidate struct {
	p       Params
	enc     io.WriteCloser
	want    *bufio.Reader
	matched int64
	err     error
	scratch [32 << 10]byte
}

var errDiffers = errors.New("the encoder's output differs from the file")

func (c *candidate) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	for done := 0; done < len(p); {
		k := min(len(p)-done, len(c.scratch))
		if _, err := io.ReadFull(c.want, c.scratch[:k]); err != nil || !bytes.Equal(c.scratch[:k], p[done:done+k]) {
			c.err = errDiffers
			return done, c.err
		}
		done += k
		c.matched += int64(k)
	}
	return len(p), nil
}

// Decompress writes the content of the single-member gzip file in r to w,
// checking its CRC-32 and size, and refusing anything after the member.
func Decompress(w io.Writer, r io.Reader) (int64, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	if _, err := readHeader(br); err != nil {
		return 0, err
	}
	crc := crc32.NewIEEE()
	n, err := io.Copy(io.MultiWriter(w, crc), kpflate.NewReader(br))
	if err != nil {
		return n, fmt.Errorf("gzip data: %w", err)
	}
	var trailer [8]byte
	if _, err := io.ReadFull(br, trailer[:]); err != nil {
		return n, fmt.Errorf("gzip trailer: %w", io.ErrUnexpectedEOF)
	}
	if err := checkTrailer(trailer, crc.Sum32(), n); err != nil {
		return n, err
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return n, errors.New("gzip: data follows the first member")
	}
	return n, nil
}

// checkTrailer holds a gzip member's trailer against the CRC-32 and size
// of the content it closes.
func checkTrailer(trailer [8]byte, crc uint32, n int64) error {
	if binary.LittleEndian.Uint32(trailer[:4]) != crc || binary.LittleEndian.Uint32(trailer[4:]) != uint32(n) {
		return errors.New("gzip trailer: the CRC-32 or the size does not match the content")
	}
	return nil
}

// Rebuild writes to w the gzip file of content that p describes: p's
// header as it was, content deflated by p's encoder at p's level, and the
// trailer. The caller checks the result's SHA-256: only the same build of
// the same encoder is sure to reproduce the bytes.
func Rebuild(w io.Writer, content io.Reader, p Params) error {
	if err := p.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	if _, err := bw.Write(p.Header); err != nil {
		return err
	}
	enc, err := newEncoder(bw, p)
	if err != nil {
		return err
	}
	crc := crc32.NewIEEE()
	n, err := io.Copy(io.MultiWriter(enc, crc), content)
	if err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc.Sum32())
	binary.LittleEndian.PutUint32(trailer[4:], uint32(n))
	if _, err := bw.Write(trailer[:]); err != nil {
		return err
	}
	return bw.Flush()
}

// Describe names p for people: "gzip, compress/flate level 6 (go1.26.8)".
func (p Params) Describe() string {
	s := fmt.Sprintf("%s, %s level %d", p.Format, p.Encoder, p.Level)
	if p.EncoderVersion != "" {
		s += " (" + p.EncoderVersion + ")"
	}
	return s
}
