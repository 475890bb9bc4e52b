package bundle

import (
	"bytes"
	"io"
	"os"
)

// spoolMemory is how much of a pack a spool keeps in memory before it moves
// to a temporary file. A release bundle is usually far smaller.
const spoolMemory = 4 << 20

// spool holds a pack while it is checked: in memory while it is small, in a
// temporary file beyond spoolMemory, so that a large bundle is never held
// whole in memory. Close removes the file.
type spool struct {
	dir  string // for the temporary file; "" is os.TempDir
	mem  bytes.Buffer
	f    *os.File
	size int64
}

func (s *spool) Write(p []byte) (int, error) {
	if s.f == nil && s.mem.Len()+len(p) > spoolMemory {
		f, err := os.CreateTemp(s.dir, "zonectl-bundle-*.pack")
		if err != nil {
			return 0, err
		}
		s.f = f
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			return 0, err
		}
		s.mem = bytes.Buffer{}
	}
	var n int
	var err error
	if s.f != nil {
		n, err = s.f.Write(p)
	} else {
		n, err = s.mem.Write(p)
	}
	s.size += int64(n)
	return n, err
}

// section returns a reader of the bytes in [off, off+n), independent of any
// other reader of the spool.
func (s *spool) section(off, n int64) *io.SectionReader {
	if s.f != nil {
		return io.NewSectionReader(s.f, off, n)
	}
	return io.NewSectionReader(bytes.NewReader(s.mem.Bytes()), off, n)
}

// reader returns a reader of the whole spool.
func (s *spool) reader() *io.SectionReader { return s.section(0, s.size) }

func (s *spool) Close() error {
	if s.f == nil {
		return nil
	}
	name := s.f.Name()
	err := s.f.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	s.f = nil
	return err
}
