package bundle

import (
	"bytes"
	"context"
	"crypto/sha1"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore/packfmt"
)

// maxDeltaDepth bounds delta chains in the packs Create writes, as git's
// pack.depth default does.
const maxDeltaDepth = 50

// packWriter streams a pack: entries are encoded and written one at a time,
// and only their offsets and delta depths are kept.
//
// go-git's packfile.Encoder cannot write this pack: it deltifies only
// against objects in the same pack, and its entry writer is not exported.
// A thin pack needs REF_DELTA entries whose bases are objects the receiver
// has (the boundary commits' trees), and the best base for a changed file is
// the same path's previous version, which the walk already knows.
type packWriter struct {
	w       io.Writer // the output and the checksum
	n       int64     // bytes written
	c       *objectCache
	d       deflater
	offsets map[plumbing.Hash]int64
	depths  map[plumbing.Hash]int
}

// writePack writes a pack of objs to w, each in full or as a delta against
// its base candidate when that is worth it.
func writePack(ctx context.Context, w io.Writer, c *objectCache, objs []*packObject, progress func(int)) error {
	if uint64(len(objs)) > 1<<32-1 {
		return fmt.Errorf("write bundle pack: %d objects are more than a pack holds", len(objs))
	}
	sum := sha1.New()
	pw := &packWriter{
		w: io.MultiWriter(w, sum), c: c,
		offsets: make(map[plumbing.Hash]int64, len(objs)),
		depths:  map[plumbing.Hash]int{},
	}
	if err := pw.write(packfmt.Header(uint32(len(objs)))); err != nil {
		return err
	}
	for i, o := range objs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := pw.entry(o); err != nil {
			return fmt.Errorf("write bundle pack: %s %s: %w", o.typ, o.hash, err)
		}
		if progress != nil {
			progress(i + 1)
		}
	}
	_, err := w.Write(sum.Sum(nil))
	return err
}

func (pw *packWriter) write(b []byte) error {
	n, err := pw.w.Write(b)
	pw.n += int64(n)
	return err
}

// Write counts what the deflater writes through the packWriter.
func (pw *packWriter) Write(b []byte) (int, error) {
	n, err := pw.w.Write(b)
	pw.n += int64(n)
	return n, err
}

// entry writes o as a delta if a good one exists, else in full.
func (pw *packWriter) entry(o *packObject) error {
	pw.offsets[o.hash] = pw.n
	obj, err := pw.c.load(o.hash, false)
	if err != nil {
		return err
	}
	if obj.typ != o.typ {
		return fmt.Errorf("is a %s", obj.typ)
	}
	depth := 0
	if !o.external {
		depth = pw.depths[o.base]
	}
	limit := deltaLimit(obj.size, depth)
	if o.base.IsZero() || limit <= 0 {
		return pw.whole(obj)
	}
	base, err := pw.c.load(o.base, true)
	if err != nil {
		return fmt.Errorf("delta base: %w", err)
	}
	// go-git cannot apply a delta to an empty base; git never makes one.
	if base.size == 0 || obj.size < base.size/32 || base.size-obj.size >= limit {
		return pw.whole(obj)
	}
	if obj.data == nil {
		if obj, err = pw.c.load(o.hash, true); err != nil {
			return err
		}
	}
	delta := diffDelta(base.data, obj.data)
	if int64(len(delta)) >= limit {
		return pw.whole(obj)
	}
	pw.depths[o.hash] = depth + 1
	if o.external {
		if err := pw.write(packfmt.EntryHeader(plumbing.REFDeltaObject, int64(len(delta)))); err != nil {
			return err
		}
		if err := pw.write(o.base[:]); err != nil {
			return err
		}
	} else {
		if err := pw.write(packfmt.EntryHeader(plumbing.OFSDeltaObject, int64(len(delta)))); err != nil {
			return err
		}
		if err := pw.write(packfmt.OfsDeltaOffset(pw.offsets[o.hash] - pw.offsets[o.base])); err != nil {
			return err
		}
	}
	return pw.d.deflate(pw, bytes.NewReader(delta))
}

// deltaLimit is the size a delta must stay under to be used, as git's
// pack-objects computes it: half the object less a base id, less still for
// a base deep in a chain.
func deltaLimit(size int64, baseDepth int) int64 {
	if baseDepth >= maxDeltaDepth {
		return 0
	}
	limit := size/2 - 20
	return limit * int64(maxDeltaDepth-baseDepth) / maxDeltaDepth
}

// whole writes obj undeltified, streaming it when it is too large to hold.
func (pw *packWriter) whole(obj loaded) error {
	if err := pw.write(packfmt.EntryHeader(obj.typ, obj.size)); err != nil {
		return err
	}
	if obj.data != nil {
		return pw.d.deflate(pw, bytes.NewReader(obj.data))
	}
	r, err := obj.obj.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	return pw.d.deflate(pw, io.LimitReader(r, obj.size))
}

func readAll(obj plumbing.EncodedObject) ([]byte, error) {
	r, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b := make([]byte, 0, obj.Size())
	buf := bytes.NewBuffer(b)
	if _, err := buf.ReadFrom(io.LimitReader(r, obj.Size())); err != nil {
		return nil, err
	}
	if int64(buf.Len()) != obj.Size() {
		return nil, fmt.Errorf("object %s: read %d bytes of %d", obj.Hash(), buf.Len(), obj.Size())
	}
	return buf.Bytes(), nil
}
