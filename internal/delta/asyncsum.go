package delta

import (
	"crypto/sha256"
	"hash"
)

// asyncSum computes a SHA-256 on a second goroutine, beside the work that
// produces the bytes. On a machine with two cores this takes the hash, the
// largest single cost of Encode and of Apply, off the critical path.
//
// The caller hands it a slice with hand and must not change those bytes
// until wait returns; a second hand waits for the first one itself.
type asyncSum struct {
	h       hash.Hash
	work    chan []byte
	done    chan struct{}
	pending bool
}

func newAsyncSum() *asyncSum {
	s := &asyncSum{h: sha256.New(), work: make(chan []byte), done: make(chan struct{})}
	go func() {
		for p := range s.work {
			s.h.Write(p)
			s.done <- struct{}{}
		}
	}()
	return s
}

// hand starts hashing p, which the caller leaves untouched until wait.
func (s *asyncSum) hand(p []byte) {
	s.wait()
	if len(p) == 0 {
		return
	}
	s.work <- p
	s.pending = true
}

// wait returns once every slice handed so far is hashed.
func (s *asyncSum) wait() {
	if s.pending {
		<-s.done
		s.pending = false
	}
}

// sum waits for the hash to finish and returns it, ending the goroutine;
// the asyncSum is not used after.
func (s *asyncSum) sum() (out [sha256.Size]byte) {
	s.close()
	s.h.Sum(out[:0])
	return out
}

// close ends the goroutine; it is safe to call more than once.
func (s *asyncSum) close() {
	s.wait()
	if s.work != nil {
		close(s.work)
		s.work = nil
	}
}
