package mask

import (
	"errors"
	"io"
)

// ErrClosed is returned by a Writer's Write after Close.
var ErrClosed = errors.New("mask: write after close")

// Writer returns a writer that masks what is written to it and passes it
// on to w, for output that streams, such as a step's stdout. A value cut
// between two Writes is masked all the same: the writer holds back only
// the tail that could still be the start of a sensitive value, and passes on
// everything before it at once, so output without secrets is not delayed.
// Close passes on what is held back; it does not close w.
//
// All Writers of one Masker take turns through one lock, which covers the
// call to w: a step's stdout and stderr, copied from two goroutines, can
// go through two Writers into one shared log, and that log sees one Write
// at a time. One Writer may also be used from several goroutines. Bytes
// held back by one Writer come after what the other writes meanwhile. The
// lock being shared, w must not be another Writer of the same Masker.
//
// After w fails, the Writer returns that error from every call.
func (m *Masker) Writer(w io.Writer) io.WriteCloser {
	if m == nil {
		m = &Masker{}
	}
	return &writer{m: m, w: w, sc: scanner{ac: m.automaton()}}
}

type writer struct {
	m      *Masker
	w      io.Writer
	sc     scanner
	buf    []byte
	err    error
	closed bool
}

func (w *writer) Write(p []byte) (int, error) {
	w.m.out.Lock()
	defer w.m.out.Unlock()
	if w.closed {
		return 0, ErrClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	if a := w.m.automaton(); a != w.sc.ac {
		w.sc.switchTo(a)
	}
	w.buf = w.sc.feed(w.buf[:0], p)
	if err := w.pass(); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (w *writer) Close() error {
	w.m.out.Lock()
	defer w.m.out.Unlock()
	if w.closed || w.err != nil {
		w.closed = true
		return w.err
	}
	w.closed = true
	if a := w.m.automaton(); a != w.sc.ac {
		w.sc.switchTo(a)
	}
	w.buf = w.sc.flush(w.buf[:0])
	return w.pass()
}

// pass writes w.buf to the underlying writer.
func (w *writer) pass() error {
	if len(w.buf) == 0 {
		return nil
	}
	n, err := w.w.Write(w.buf)
	if err == nil && n < len(w.buf) {
		err = io.ErrShortWrite
	}
	if cap(w.buf) > maxKept {
		w.buf = nil // one large Write should not pin its size in memory
	}
	w.err = err
	return err
}
