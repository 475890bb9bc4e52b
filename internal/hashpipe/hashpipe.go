// Package hashpipe computes a SHA-256 on a goroutine of its own, beside
// the work that produces the bytes: reading a package, matching a delta,
// writing a rebuilt file. On a machine with two cores this takes the hash,
// often the largest single cost of such work, off its critical path.
//
// The producer hands a slice over with Hand and leaves those bytes alone
// until the hash is done with them: until Wait returns, or the next Hand
// returns, since Hand first waits for the slice handed before. Two
// buffers, filled in turn, are therefore enough to keep both goroutines
// busy.
package hashpipe

import (
	"crypto/sha256"
	"hash"
)

// SHA256 is a SHA-256 computed on a second goroutine.
type SHA256 struct {
	h       hash.Hash
	work    chan []byte
	done    chan struct{}
	pending bool
}

// New starts the hashing goroutine; Sum or Close ends it.
func New() *SHA256 {
	s := &SHA256{h: sha256.New(), work: make(chan []byte), done: make(chan struct{})}
	go func() {
		for p := range s.work {
			s.h.Write(p)
			s.done <- struct{}{}
		}
	}()
	return s
}

// Hand waits for the slice handed before to be hashed, then starts
// hashing p, which the caller leaves untouched until the next Hand, Wait,
// Sum or Close.
func (s *SHA256) Hand(p []byte) {
	s.Wait()
	if len(p) == 0 {
		return
	}
	s.work <- p
	s.pending = true
}

// Wait returns once every slice handed so far is hashed.
func (s *SHA256) Wait() {
	if s.pending {
		<-s.done
		s.pending = false
	}
}

// Sum waits for the hash to finish and returns it, ending the goroutine.
// Nothing may be handed after.
func (s *SHA256) Sum() (out [sha256.Size]byte) {
	s.Close()
	s.h.Sum(out[:0])
	return out
}

// Close ends the goroutine; it is safe to call more than once, and after
// Sum.
func (s *SHA256) Close() {
	s.Wait()
	if s.work != nil {
		close(s.work)
		s.work = nil
	}
}
