// Package meter counts the bytes that pass through a reader or a writer:
// for progress on long transfers, and for sizes learnt only by streaming
// (a delta, a compressed package, the deflate stream inside a gzip file).
// It owns nothing else; gitstore keeps its own, as it depends on no
// internal package.
package meter

import "io"

// Reader counts the bytes read through R in N and, when Add is set,
// reports each read's count to it.
type Reader struct {
	R   io.Reader
	N   int64
	Add func(n int64)
}

func (r *Reader) Read(p []byte) (int, error) {
	n, err := r.R.Read(p)
	if n > 0 {
		r.N += int64(n)
		if r.Add != nil {
			r.Add(int64(n))
		}
	}
	return n, err
}

// Writer counts the bytes written through W in N.
type Writer struct {
	W io.Writer
	N int64
}

func (w *Writer) Write(p []byte) (int, error) {
	n, err := w.W.Write(p)
	w.N += int64(n)
	return n, err
}
