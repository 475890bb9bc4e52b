package bundle

import (
	"compress/zlib"
	"io"
)

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
