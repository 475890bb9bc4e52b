// Package meter counts the bytes that pass through a reader or a writer:
// for progress on long transfers, and for sizes learnt only by streaming
// (a delta, a compressed package, the deflate stream inside a gzip file).
// Progress is how domain packages report long steps without printing;
// cmd/zonectl draws them. gitstore keeps its own counter, as it depends
// on no internal package.
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

// Progress is told, as a long step of work goes, the bytes done of its
// total; a total of 0 means the step moves no bytes it can count. Steps
// come one after the other, each named for people: "delta of web 1.1.0
// against 1.0.0".
type Progress func(step string, done, total int64)

// Step starts a step and returns the function that counts its bytes, for
// Reader.Add; it is safe on a nil Progress.
func (p Progress) Step(name string, total int64) func(n int64) {
	if p == nil {
		return func(int64) {}
	}
	var done int64
	p(name, 0, total)
	return func(n int64) {
		done += n
		p(name, done, total)
	}
}
