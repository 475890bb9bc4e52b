package gitstore

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// packs reads objects from the repository's packs the way git does: each
// pack's index is mapped into memory and searched, so finding an object
// costs the same in a pack of a hundred objects as in one of millions.
// go-git reads every index whole into memory before its first lookup,
// which made every command as slow as the repository is large.
type packs struct {
	dir string // objects/pack

	mu    sync.Mutex
	list  []*pack
	names []string // the index files list was made from
	bases deltaBases
}

// pack is one pack and its index, mapped.
type pack struct {
	name  string
	idx   []byte
	data  []byte
	count int
}

// Object types in a pack entry's header.
const (
	packOfsDelta = 6
	packRefDelta = 7
)

// find returns the object h, or nil when no pack holds it (or it is too
// large to read whole: go-git reads those as they are used). It looks at
// the pack directory again when h is not in the packs it knows.
func (p *packs) find(h plumbing.Hash) (plumbing.EncodedObject, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for attempt := 0; attempt < 2; attempt++ {
		for _, pk := range p.list {
			if off, ok := pk.offset(h); ok {
				return p.read(pk, off, h)
			}
		}
		if attempt == 0 && !p.rescan() {
			break
		}
	}
	return nil, nil
}

// has reports whether a pack holds h.
func (p *packs) has(h plumbing.Hash) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for attempt := 0; attempt < 2; attempt++ {
		for _, pk := range p.list {
			if _, ok := pk.offset(h); ok {
				return true
			}
		}
		if attempt == 0 && !p.rescan() {
			break
		}
	}
	return false
}

// rescan maps the packs added since the last look, and reports whether
// the directory changed. A pack that went (git gc) stays mapped: what it
// held is in another pack, or loose, and its bytes are still readable.
func (p *packs) rescan() bool {
	entries, err := os.ReadDir(p.dir)
	if err != nil {
		return false
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, "pack-") && strings.HasSuffix(n, ".idx") {
			names = append(names, n)
		}
	}
	if slices.Equal(names, p.names) {
		return false
	}
	p.names = names
	known := map[string]bool{}
	for _, pk := range p.list {
		known[pk.name] = true
	}
	for _, n := range names {
		if known[n] {
			continue
		}
		if pk, err := openPack(p.dir, n); err == nil {
			p.list = append(p.list, pk)
		}
		// A pack being written, or one go-git cannot read either: go-git
		// is asked next, and says what is wrong.
	}
	return true
}

// openPack maps the index name and its pack, checking the index's
// framing; the index and pack are the ones git wrote, so their contents
// are trusted as git trusts them, and each object read is checked against
// its name.
func openPack(dir, name string) (*pack, error) {
	idx, err := mapFile(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	pk := &pack{name: name, idx: idx}
	unmapWith(pk, idx)
	if len(idx) < 8+256*4+40 || !bytes.Equal(idx[:8], []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}) {
		return nil, fmt.Errorf("%s: not a version 2 pack index", name)
	}
	pk.count = int(binary.BigEndian.Uint32(idx[8+255*4:]))
	if len(idx) < 8+256*4+pk.count*(20+4+4)+40 {
		return nil, fmt.Errorf("%s: truncated", name)
	}
	if pk.data, err = mapFile(filepath.Join(dir, strings.TrimSuffix(name, ".idx")+".pack")); err != nil {
		return nil, err
	}
	unmapWith(pk, pk.data)
	return pk, nil
}

// offset is where h starts in the pack, found by binary search of the
// index's sorted names within h's first byte's range.
func (pk *pack) offset(h plumbing.Hash) (int64, bool) {
	fan := pk.idx[8:]
	lo := 0
	if h[0] > 0 {
		lo = int(binary.BigEndian.Uint32(fan[(int(h[0])-1)*4:]))
	}
	hi := int(binary.BigEndian.Uint32(fan[int(h[0])*4:]))
	if lo > hi || hi > pk.count {
		return 0, false
	}
	names := pk.idx[8+256*4:]
	i := lo + sort.Search(hi-lo, func(k int) bool {
		return bytes.Compare(names[(lo+k)*20:(lo+k)*20+20], h[:]) >= 0
	})
	if i == hi || !bytes.Equal(names[i*20:i*20+20], h[:]) {
		return 0, false
	}
	offsets := pk.idx[8+256*4+pk.count*24:]
	off := binary.BigEndian.Uint32(offsets[i*4:])
	if off&0x80000000 == 0 {
		return int64(off), true
	}
	large := offsets[pk.count*4:]
	at := int(off&0x7fffffff) * 8
	if at+8 > len(large)-40 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(large[at:])), true
}

// read returns the object at off, which must be h.
func (p *packs) read(pk *pack, off int64, h plumbing.Hash) (plumbing.EncodedObject, error) {
	t, data, err := p.entry(pk, off, 0)
	if err != nil {
		return nil, fmt.Errorf("read object %s from %s: %w", h, pk.name, err)
	}
	if data == nil {
		return nil, nil // too large
	}
	o := &plumbing.MemoryObject{}
	o.SetType(t)
	o.SetSize(int64(len(data)))
	o.Write(data)
	if o.Hash() != h {
		return nil, fmt.Errorf("read object %s from %s: its contents name %s", h, pk.name, o.Hash())
	}
	return o, nil
}

// maxDeltaDepth bounds delta chains; git's own default is 50.
const maxDeltaDepth = 4096

// entry is the type and contents of the pack entry at off, deltas
// applied; nil contents for an object over largeObject.
func (p *packs) entry(pk *pack, off int64, depth int) (plumbing.ObjectType, []byte, error) {
	if depth > maxDeltaDepth {
		return 0, nil, errors.New("delta chain too long")
	}
	if t, data, ok := p.bases.get(pk, off); ok {
		return t, data, nil
	}
	if off < 12 || off >= int64(len(pk.data)) {
		return 0, nil, fmt.Errorf("offset %d outside the pack", off)
	}
	b := pk.data[off:]
	typ, size, n := entryHeader(b)
	if n == 0 {
		return 0, nil, fmt.Errorf("bad entry header at %d", off)
	}
	b = b[n:]
	var baseType plumbing.ObjectType
	var base []byte
	switch typ {
	case packOfsDelta:
		rel, m := ofsDeltaOffset(b)
		if m == 0 || rel <= 0 || rel > off {
			return 0, nil, fmt.Errorf("bad delta base at %d", off)
		}
		t, data, err := p.entry(pk, off-rel, depth+1)
		if err != nil || data == nil {
			return 0, nil, err
		}
		baseType, base, b = t, data, b[m:]
	case packRefDelta:
		if len(b) < 20 {
			return 0, nil, fmt.Errorf("bad delta base at %d", off)
		}
		var bh plumbing.Hash
		copy(bh[:], b[:20])
		bpk, boff, ok := p.locate(bh)
		if !ok {
			return 0, nil, fmt.Errorf("delta base %s not in a pack", bh)
		}
		t, data, err := p.entry(bpk, boff, depth+1)
		if err != nil || data == nil {
			return 0, nil, err
		}
		baseType, base, b = t, data, b[20:]
	default:
		if size > largeObject {
			return 0, nil, nil
		}
	}
	data, err := inflate(b, size)
	if err != nil {
		return 0, nil, fmt.Errorf("entry at %d: %w", off, err)
	}
	t := plumbing.ObjectType(typ)
	if base != nil {
		if data, err = packfile.PatchDelta(base, data); err != nil {
			return 0, nil, fmt.Errorf("entry at %d: %w", off, err)
		}
		if int64(len(data)) > largeObject {
			return 0, nil, nil
		}
		t = baseType
		p.bases.put(pk, off, t, data)
	}
	if depth > 0 {
		p.bases.put(pk, off, t, data)
	}
	return t, data, nil
}

// locate finds h in the packs known.
func (p *packs) locate(h plumbing.Hash) (*pack, int64, bool) {
	for _, pk := range p.list {
		if off, ok := pk.offset(h); ok {
			return pk, off, true
		}
	}
	return nil, 0, false
}

// entryHeader decodes a pack entry's type and size; n is 0 when b does
// not hold a whole header.
func entryHeader(b []byte) (typ byte, size int64, n int) {
	if len(b) == 0 {
		return 0, 0, 0
	}
	c := b[0]
	typ, size, n = (c>>4)&7, int64(c&15), 1
	for shift := 4; c&0x80 != 0; shift += 7 {
		if n >= len(b) || shift > 56 {
			return 0, 0, 0
		}
		c = b[n]
		size |= int64(c&0x7f) << shift
		n++
	}
	return typ, size, n
}

// ofsDeltaOffset decodes the distance back to an offset delta's base.
func ofsDeltaOffset(b []byte) (int64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	rel, n := int64(c&0x7f), 1
	for c&0x80 != 0 {
		if n >= len(b) || rel > 1<<55 {
			return 0, 0
		}
		c = b[n]
		rel = (rel+1)<<7 | int64(c&0x7f)
		n++
	}
	return rel, n
}

// inflate is the size bytes b's zlib stream holds.
func inflate(b []byte, size int64) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	data := make([]byte, size)
	if _, err := io.ReadFull(zr, data); err != nil {
		return nil, err
	}
	return data, nil
}

// deltaBasesBudget bounds the bytes deltaBases keeps.
const deltaBasesBudget = 32 << 20

// deltaBases keeps the objects deltas were applied to, by pack and
// offset: reading a run of objects deltified against each other (a
// ledger's commits, a tree's versions) would otherwise inflate the same
// bases again for each.
type deltaBases struct {
	m    map[baseKey]baseEntry
	size int
}

type baseKey struct {
	pk  *pack
	off int64
}

type baseEntry struct {
	t    plumbing.ObjectType
	data []byte
}

func (d *deltaBases) get(pk *pack, off int64) (plumbing.ObjectType, []byte, bool) {
	e, ok := d.m[baseKey{pk, off}]
	return e.t, e.data, ok
}

func (d *deltaBases) put(pk *pack, off int64, t plumbing.ObjectType, data []byte) {
	if len(data) > deltaBasesBudget/4 {
		return
	}
	if d.m == nil || d.size+len(data) > deltaBasesBudget {
		d.m, d.size = map[baseKey]baseEntry{}, 0
	}
	if _, ok := d.m[baseKey{pk, off}]; !ok {
		d.m[baseKey{pk, off}] = baseEntry{t, data}
		d.size += len(data)
	}
}
