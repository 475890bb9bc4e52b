package bundle

import (
	"bytes"
	"context"
	"crypto/sha1"
	"errors"
	"io"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/zonectl/zonectl/gitstore/packfmt"
)

const (
	packHeaderSize  = 12
	packTrailerSize = 20 // the SHA-1 of everything before it
)

// packScan is what a first pass over a pack learns without resolving
// deltas.
type packScan struct {
	count uint32
	// external are the bases of REF_DELTA entries that are not whole
	// objects in the pack, sorted: the bases of a thin pack, or entries of
	// the pack that are deltas themselves.
	external []plumbing.Hash
}

// scanPack reads every entry of the pack in sp once: it checks the entry
// types, that each entry inflates to the size its header declares, the
// pack's checksum and that nothing follows it, and it collects the bases of
// the REF_DELTA entries that the pack does not hold as whole objects.
func scanPack(ctx context.Context, sp *spool) (*packScan, error) {
	sc := packfile.NewScanner(withContext(ctx, sp.reader()))
	_, count, err := sc.Header()
	if err != nil {
		return nil, packErrorf(err, "bad pack header")
	}
	whole := map[plumbing.Hash]bool{}
	bases := map[plumbing.Hash]bool{}
	for i := uint32(1); i <= count; i++ {
		oh, err := sc.NextObjectHeader()
		if err != nil {
			return nil, packErrorf(err, "entry %d of %d", i, count)
		}
		var sink io.Writer = io.Discard
		var hasher plumbing.Hasher
		switch oh.Type {
		case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
			hasher = plumbing.NewHasher(oh.Type, oh.Length)
			sink = hasher
		case plumbing.REFDeltaObject:
			bases[oh.Reference] = true
		case plumbing.OFSDeltaObject:
		default:
			return nil, packErrorf(nil, "entry %d of %d, at offset %d, has the invalid type %d", i, count, oh.Offset, oh.Type)
		}
		n, _, err := sc.NextObject(sink)
		if err != nil {
			return nil, packErrorf(err, "entry %d of %d, at offset %d", i, count, oh.Offset)
		}
		if n != oh.Length {
			return nil, packErrorf(nil, "entry %d of %d, at offset %d, inflates to %d bytes, not the %d its header declares", i, count, oh.Offset, n, oh.Length)
		}
		if !oh.Type.IsDelta() {
			whole[hasher.Sum()] = true
		}
	}
	if _, err := sc.Checksum(); err != nil {
		return nil, packErrorf(err, "bad trailer")
	}
	end, err := sc.SeekFromStart(0)
	if err != nil {
		return nil, packErrorf(err, "bad trailer")
	}
	if end != sp.size {
		return nil, packErrorf(nil, "%d bytes of junk after the pack", sp.size-end)
	}
	scan := &packScan{count: count}
	for h := range bases {
		if !whole[h] {
			scan.external = append(scan.external, h)
		}
	}
	slices.SortFunc(scan.external, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
	return scan, nil
}

// completePack turns a thin pack into a self-contained one, as git
// index-pack --fix-thin does: each external base that st holds is appended
// to the pack as a whole object, and the pack's count and checksum are
// rewritten. It returns the completed pack (sp itself when nothing was
// appended) and its entry count, and the external bases st does not have
// (which are either deltas in the pack or missing; the full parse tells).
func completePack(ctx context.Context, sp *spool, scan *packScan, st storer.EncodedObjectStorer) (*spool, uint32, []plumbing.Hash, error) {
	var found []plumbing.EncodedObject
	var absent []plumbing.Hash
	for _, h := range scan.external {
		o, err := st.EncodedObject(plumbing.AnyObject, h)
		switch {
		case errors.Is(err, plumbing.ErrObjectNotFound):
			absent = append(absent, h)
		case err != nil:
			return nil, 0, nil, err
		default:
			found = append(found, o)
		}
	}
	if len(found) == 0 {
		return sp, scan.count, absent, nil
	}
	count := uint64(scan.count) + uint64(len(found))
	if count > 1<<32-1 {
		return nil, 0, nil, packErrorf(nil, "too many entries (%d) once the thin pack is completed", count)
	}
	out := &spool{dir: sp.dir}
	sum := sha1.New()
	w := io.MultiWriter(out, sum)
	if _, err := w.Write(packfmt.Header(uint32(count))); err != nil {
		return nil, 0, nil, errors.Join(err, out.Close())
	}
	body := withContext(ctx, sp.section(packHeaderSize, sp.size-packHeaderSize-packTrailerSize))
	if _, err := io.Copy(w, body); err != nil {
		return nil, 0, nil, errors.Join(err, out.Close())
	}
	var d deflater
	for _, o := range found {
		if err := appendWhole(w, &d, o); err != nil {
			return nil, 0, nil, errors.Join(err, out.Close())
		}
	}
	if _, err := out.Write(sum.Sum(nil)); err != nil {
		return nil, 0, nil, errors.Join(err, out.Close())
	}
	return out, uint32(count), absent, nil
}

// appendWhole writes o as an undeltified pack entry.
func appendWhole(w io.Writer, d *deflater, o plumbing.EncodedObject) error {
	if _, err := w.Write(packfmt.EntryHeader(o.Type(), o.Size())); err != nil {
		return err
	}
	r, err := o.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	return d.deflate(w, io.LimitReader(r, o.Size()))
}

// readSeeker is what go-git's pack scanner needs to parse a pack without a
// storage.
type readSeeker interface {
	io.Reader
	io.Seeker
}

// ctxReader makes reads from r fail once ctx is done, so that long copies
// stop with it.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ctxSeeker is a ctxReader that seeks, for the loops of go-git's pack
// scanner and parser.
type ctxSeeker struct {
	ctxReader
	s io.Seeker
}

func withContext(ctx context.Context, r readSeeker) readSeeker {
	return ctxSeeker{ctxReader{ctx, r}, r}
}

func (c ctxSeeker) Seek(off int64, whence int) (int64, error) { return c.s.Seek(off, whence) }
