package bundle

// This file encodes Git deltas (the "copy from base" and "insert" opcodes of
// a pack's OFS_DELTA and REF_DELTA entries). go-git's packfile.DiffDelta
// finds only matches that start on its own block boundaries in the target,
// and for the small edits between two versions of a file or a tree it
// writes deltas twice as large as git's. This encoder follows git's
// diff-delta.c: index the base by 16-byte blocks, look the target up at
// every offset, and extend each match forwards and backwards.

const (
	deltaWindow     = 16
	deltaMaxBucket  = 64      // base offsets kept per hash, as git caps its buckets
	deltaMaxCopy    = 0x10000 // the largest copy one opcode says, as git writes them
	deltaMaxInsert  = 0x7f    // the largest insert one opcode holds
	deltaMaxBaseLen = 1 << 31 // offsets in copy opcodes have 32 bits
	rollingBase     = 0x01000193
)

// diffDelta returns a delta that turns base into target.
func diffDelta(base, target []byte) []byte {
	out := make([]byte, 0, len(target)/4+16)
	out = appendDeltaSize(out, len(base))
	out = appendDeltaSize(out, len(target))
	if len(base) < deltaWindow || len(base) >= deltaMaxBaseLen {
		return appendInsert(out, target)
	}

	// Index the base: the offsets of its aligned 16-byte blocks by hash.
	// A bucket of repeated text keeps at most deltaMaxBucket offsets,
	// spread evenly over the base as git's diff-delta.c keeps them, so that
	// a match can start anywhere in a long repetitive stretch.
	index := make(map[uint32][]int32, len(base)/deltaWindow+1)
	for p := 0; p+deltaWindow <= len(base); p += deltaWindow {
		h := blockHash(base[p : p+deltaWindow])
		index[h] = append(index[h], int32(p))
	}
	for h, b := range index {
		if len(b) > deltaMaxBucket {
			kept := make([]int32, deltaMaxBucket)
			for i := range kept {
				kept[i] = b[i*len(b)/deltaMaxBucket]
			}
			index[h] = kept
		}
	}

	// pow is rollingBase^(window-1), to take the oldest byte out of the hash.
	pow := uint32(1)
	for range deltaWindow - 1 {
		pow *= rollingBase
	}

	pending := 0 // start of the target bytes not yet written
	j := 0
	var h uint32
	if len(target) >= deltaWindow {
		h = blockHash(target[:deltaWindow])
	}
	for j+deltaWindow <= len(target) {
		bestLen, bestBase, bestBack := 0, 0, 0
		for _, p := range index[h] {
			p := int(p)
			if string(base[p:p+deltaWindow]) != string(target[j:j+deltaWindow]) {
				continue
			}
			n := deltaWindow
			for p+n < len(base) && j+n < len(target) && base[p+n] == target[j+n] {
				n++
			}
			back := 0
			for p-back > 0 && j-back > pending && base[p-back-1] == target[j-back-1] {
				back++
			}
			if n+back > bestLen+bestBack {
				bestLen, bestBase, bestBack = n, p, back
			}
		}
		if bestLen == 0 {
			if j+deltaWindow < len(target) {
				h = (h-uint32(target[j])*pow)*rollingBase + uint32(target[j+deltaWindow])
			}
			j++
			continue
		}
		start := j - bestBack
		out = appendInsert(out, target[pending:start])
		out = appendCopy(out, bestBase-bestBack, bestLen+bestBack)
		j += bestLen
		pending = j
		if j+deltaWindow <= len(target) {
			h = blockHash(target[j : j+deltaWindow])
		}
	}
	return appendInsert(out, target[pending:])
}

// blockHash is a polynomial hash of a window, the same one diffDelta rolls.
func blockHash(b []byte) uint32 {
	var h uint32
	for _, c := range b {
		h = h*rollingBase + uint32(c)
	}
	return h
}

func appendDeltaSize(out []byte, n int) []byte {
	for n >= 0x80 {
		out = append(out, byte(n)|0x80)
		n >>= 7
	}
	return append(out, byte(n))
}

func appendInsert(out, data []byte) []byte {
	for len(data) > 0 {
		n := min(len(data), deltaMaxInsert)
		out = append(out, byte(n))
		out = append(out, data[:n]...)
		data = data[n:]
	}
	return out
}

// appendCopy appends opcodes that copy n bytes of the base from off.
func appendCopy(out []byte, off, n int) []byte {
	for n > 0 {
		size := min(n, deltaMaxCopy)
		op := len(out)
		out = append(out, 0x80)
		for i := range 4 {
			if b := byte(off >> (8 * i)); b != 0 {
				out[op] |= 1 << i
				out = append(out, b)
			}
		}
		if size != deltaMaxCopy { // a size of 0 means 0x10000
			for i := range 3 {
				if b := byte(size >> (8 * i)); b != 0 {
					out[op] |= 0x10 << i
					out = append(out, b)
				}
			}
		}
		off += size
		n -= size
	}
	return out
}
