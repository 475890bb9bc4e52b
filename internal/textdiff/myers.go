package textdiff

import "math"

// changes finds a shortest edit script turning a into b. It returns, for each
// line of a, whether it is deleted, and for each line of b, whether it is
// inserted; the lines left unmarked in both form a longest common
// subsequence.
//
// Lines that do not occur in the other text at all are marked first and left
// out of the search: they cannot be part of a common subsequence, and
// without them the search is shorter and settles, among equally short
// scripts, on the one GNU diff prints.
func changes(a, b []int) (deleted, inserted []bool) {
	deleted, inserted = make([]bool, len(a)), make([]bool, len(b))
	inA, inB := occurrences(a), occurrences(b)
	ka, ia := kept(a, inB, deleted)
	kb, ib := kept(b, inA, inserted)

	d := &differ{
		a:        ka,
		b:        kb,
		deleted:  make([]bool, len(ka)),
		inserted: make([]bool, len(kb)),
	}
	d.compare(0, len(ka), 0, len(kb))
	for k, del := range d.deleted {
		deleted[ia[k]] = del
	}
	for k, ins := range d.inserted {
		inserted[ib[k]] = ins
	}
	return deleted, inserted
}

// occurrences returns the set of line ids in lines.
func occurrences(lines []int) map[int]bool {
	set := make(map[int]bool, len(lines))
	for _, id := range lines {
		set[id] = true
	}
	return set
}

// kept returns the lines that occur in other, with their indexes in lines,
// and marks the rest as changed.
func kept(lines []int, other map[int]bool, changed []bool) (keep, index []int) {
	for i, id := range lines {
		if other[id] {
			keep = append(keep, id)
			index = append(index, i)
		} else {
			changed[i] = true
		}
	}
	return keep, index
}

type differ struct {
	a, b              []int
	deleted, inserted []bool
	// forward and backward hold the furthest-reaching paths of the middle
	// snake search, reused across the recursion.
	forward, backward []int
}

// compare marks the changes between a[aLo:aHi] and b[bLo:bHi]: it trims the
// common ends, splits the rest at a point on a shortest path (the middle
// snake) and recurses on both halves. Depth is O(log) in practice and at most
// D, as each split removes at least one difference from each half.
func (d *differ) compare(aLo, aHi, bLo, bHi int) {
	for aLo < aHi && bLo < bHi && d.a[aLo] == d.b[bLo] {
		aLo++
		bLo++
	}
	for aLo < aHi && bLo < bHi && d.a[aHi-1] == d.b[bHi-1] {
		aHi--
		bHi--
	}
	switch {
	case aLo == aHi:
		for j := bLo; j < bHi; j++ {
			d.inserted[j] = true
		}
	case bLo == bHi:
		for i := aLo; i < aHi; i++ {
			d.deleted[i] = true
		}
	default:
		x, y := d.split(aLo, aHi, bLo, bHi)
		if !inside(x, y, aLo, aHi, bLo, bHi) {
			// Never seen in testing; replacing the whole range keeps
			// the script correct, if longer, rather than recursing
			// forever.
			for i := aLo; i < aHi; i++ {
				d.deleted[i] = true
			}
			for j := bLo; j < bHi; j++ {
				d.inserted[j] = true
			}
			return
		}
		d.compare(aLo, x, bLo, y)
		d.compare(x, aHi, y, bHi)
	}
}

// split returns a point (x, y) through which a shortest edit script of
// a[aLo:aHi] and b[bLo:bHi] passes, strictly inside the problem so that both
// halves are smaller. Both ranges are non-empty and their first and last
// lines differ.
//
// It searches for D-paths forward from the top left and backward from the
// bottom right at once (Myers 1986, section 4b), keeping for each diagonal
// k = x - y only the furthest point reached, until the two searches overlap
// on a diagonal. Diagonals are numbered by absolute line numbers and visited
// from the highest down, and a deletion is preferred to an insertion when
// both reach as far: the choices GNU diff makes, so that where several
// shortest scripts exist the same one is found. As in GNU diff, a path beside
// the grid's edge may step one line past it; compare checks that the point
// returned lies inside.
func (d *differ) split(aLo, aHi, bLo, bHi int) (x, y int) {
	kMin, kMax := aLo-bHi, aHi-bLo // the diagonals of the grid
	fMid, bMid := aLo-bLo, aHi-bHi // where each search starts
	odd := (fMid-bMid)%2 != 0

	// fwd[k-kMin+1] is the furthest x reached forward on diagonal k;
	// bwd likewise backward (the smallest x). One slot on either side
	// holds a sentinel that loses every comparison.
	size := kMax - kMin + 3
	if cap(d.forward) < size {
		d.forward = make([]int, size)
		d.backward = make([]int, size)
	}
	fwd, bwd := d.forward[:size], d.backward[:size]
	at := func(k int) int { return k - kMin + 1 }
	const noBackward = math.MaxInt

	fwd[at(fMid)], bwd[at(bMid)] = aLo, aHi
	fLo, fHi, bLo2, bHi2 := fMid, fMid, bMid, bMid
	for {
		// Widen the forward search by one diagonal on each side, or
		// narrow it where it meets the edge of the grid.
		if fLo > kMin {
			fLo--
			fwd[at(fLo-1)] = -1
		} else {
			fLo++
		}
		if fHi < kMax {
			fHi++
			fwd[at(fHi+1)] = -1
		} else {
			fHi--
		}
		for k := fHi; k >= fLo; k -= 2 {
			fromAbove, fromLeft := fwd[at(k+1)], fwd[at(k-1)]
			px := fromAbove // insert a line of b
			if fromLeft >= fromAbove {
				px = fromLeft + 1 // delete a line of a
			}
			py := px - k
			for px < aHi && py < bHi && d.a[px] == d.b[py] {
				px++
				py++
			}
			fwd[at(k)] = px
			if odd && bLo2 <= k && k <= bHi2 && bwd[at(k)] <= px {
				return px, py
			}
		}

		if bLo2 > kMin {
			bLo2--
			bwd[at(bLo2-1)] = noBackward
		} else {
			bLo2++
		}
		if bHi2 < kMax {
			bHi2++
			bwd[at(bHi2+1)] = noBackward
		} else {
			bHi2--
		}
		for k := bHi2; k >= bLo2; k -= 2 {
			fromBelow, fromRight := bwd[at(k-1)], bwd[at(k+1)]
			px := fromRight - 1 // delete a line of a
			if fromBelow < fromRight {
				px = fromBelow // insert a line of b
			}
			py := px - k
			for px > aLo && py > bLo && d.a[px-1] == d.b[py-1] {
				px--
				py--
			}
			bwd[at(k)] = px
			if !odd && fLo <= k && k <= fHi && px <= fwd[at(k)] {
				return px, py
			}
		}
	}
}

// inside reports whether (x, y) splits the problem into two smaller ones.
func inside(x, y, aLo, aHi, bLo, bHi int) bool {
	if x < aLo || x > aHi || y < bLo || y > bHi {
		return false
	}
	return (x != aLo || y != bLo) && (x != aHi || y != bHi)
}
