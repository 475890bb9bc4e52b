package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
)

// blockSize is the unit the generator works in: block i of version 1 is a
// pure function of the seed and i, so neither version is ever held in
// memory beyond one block.
const blockSize = 1 << 20

// Edits that make version 2 from version 1: about 1% of the bytes.
const (
	patchEvery = 3        // a patch in every third block (every 3 MiB)
	patchLen   = 32 << 10 // bytes overwritten by a patch
	insertLen  = 1<<20 + 4097
	deleteLen  = 256<<10 + 123
)

// gen makes two versions of a package deterministically from a seed:
// version 1 of size bytes, half its blocks random (incompressible) and
// half text (compressible); version 2 is version 1 with a 32 KiB patch
// every 3 MiB, a run of about 1 MiB inserted a third of the way in and a
// run of about 256 KiB deleted two thirds of the way in, so that offsets
// shift both ways.
type gen struct {
	seed uint64
	size int64
}

func (g gen) blocks() int64 { return (g.size + blockSize - 1) / blockSize }

// blockLen is the length of block i of version 1.
func (g gen) blockLen(i int64) int {
	return int(min(blockSize, g.size-i*blockSize))
}

// block fills b (of blockLen(i) bytes) with block i of version 1.
func (g gen) block(i int64, b []byte) {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	if r.IntN(2) == 0 {
		randomBytes(r, b)
	} else {
		text(r, b)
	}
}

// randomBytes fills b with bytes from a ChaCha8 stream seeded from r.
func randomBytes(r *rand.Rand, b []byte) {
	var seed [32]byte
	for i := 0; i < len(seed); i += 8 {
		binary.LittleEndian.PutUint64(seed[i:], r.Uint64())
	}
	_, _ = rand.NewChaCha8(seed).Read(b)
}

var words = []string{
	"package", "release", "deploy", "space", "variable", "func", "return",
	"error", "zonectl", "target", "basis", "bundle", "import", "promote",
	"{", "}", "(", ")", "=", "if", "for", "nil", "err", "ctx", "string",
}

// text fills b with line-oriented words: compressible, like source or
// configuration files inside an archive.
func text(r *rand.Rand, b []byte) {
	n := 0
	for n < len(b) {
		n += copy(b[n:], words[r.IntN(len(words))])
		if n < len(b) {
			if r.IntN(10) == 0 {
				b[n] = '\n'
			} else {
				b[n] = ' '
			}
			n++
		}
	}
}

// edit says what version 2 does to one block of version 1.
type edit struct {
	patchAt   int // offset of the patch, -1 for none
	deleteAt  int // offset of the deleted run, -1 for none
	deleteLen int
	insertAt  int // offset of the inserted run (after any deletion), -1 for none
}

// editOf plans the edits of block i; n is the block's length.
func (g gen) editOf(i int64, n int) edit {
	e := edit{patchAt: -1, deleteAt: -1, insertAt: -1}
	r := rand.New(rand.NewPCG(g.seed^0x7a6f6e65, uint64(i)))
	if i%patchEvery == 1 && n > patchLen {
		e.patchAt = r.IntN(n - patchLen)
	}
	if i == 2*g.blocks()/3 && n > 1 {
		e.deleteLen = min(deleteLen, n/2)
		e.deleteAt = r.IntN(n - e.deleteLen)
	}
	if i == g.blocks()/3 {
		e.insertAt = r.IntN(n-e.deleteLen) + 1
	}
	return e
}

// editStats sums the edits: bytes patched, inserted and deleted.
func (g gen) editStats() (patched, inserted, deleted int64) {
	for i := range g.blocks() {
		e := g.editOf(i, g.blockLen(i))
		if e.patchAt >= 0 {
			patched += patchLen
		}
		if e.insertAt >= 0 {
			inserted += insertLen
		}
		deleted += int64(e.deleteLen)
	}
	return patched, inserted, deleted
}

// v2Size is the size of version 2.
func (g gen) v2Size() int64 {
	_, inserted, deleted := g.editStats()
	return g.size + inserted - deleted
}

func (g gen) String() string {
	patched, inserted, deleted := g.editStats()
	return fmt.Sprintf("v1 %s, v2 %s: %s patched, %s inserted, %s deleted (seed %d)",
		human(g.size), human(g.v2Size()), human(patched), human(inserted), human(deleted), g.seed)
}

// writeV1 writes version 1 to w.
func (g gen) writeV1(w io.Writer) error {
	buf := make([]byte, blockSize)
	for i := range g.blocks() {
		b := buf[:g.blockLen(i)]
		g.block(i, b)
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// writeV2 writes version 2 to w.
func (g gen) writeV2(w io.Writer) error {
	buf := make([]byte, blockSize)
	run := make([]byte, max(patchLen, insertLen))
	for i := range g.blocks() {
		b := buf[:g.blockLen(i)]
		g.block(i, b)
		e := g.editOf(i, len(b))
		r := rand.New(rand.NewPCG(g.seed^0x6564697473, uint64(i)))
		if e.patchAt >= 0 {
			randomBytes(r, b[e.patchAt:e.patchAt+patchLen])
		}
		if e.deleteAt >= 0 {
			b = append(b[:e.deleteAt], b[e.deleteAt+e.deleteLen:]...)
		}
		parts := [][]byte{b}
		if e.insertAt >= 0 {
			ins := run[:insertLen]
			randomBytes(r, ins)
			parts = [][]byte{b[:e.insertAt], ins, b[e.insertAt:]}
		}
		for _, p := range parts {
			if _, err := w.Write(p); err != nil {
				return err
			}
		}
	}
	return nil
}
