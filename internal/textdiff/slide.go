package textdiff

// slide moves each run of changed lines of one file to where GNU diff puts
// it, without changing the edit script's length: first as far up as equal
// lines allow, then as far down, merging with any neighbouring run it
// touches, until the run stops growing; finally back up to the last position
// where its end lines up with a run of changes in the other file, so that a
// deletion and an insertion stay together as one change. Without that, the
// run stays as far down as it can go.
//
// lines are the file's interned lines, changed its change marks (deletions
// for the old file, insertions for the new), other the other file's marks.
// Throughout, j is the line of the other file that corresponds to line i:
// the two have as many unchanged lines before them.
func slide(lines []int, changed, other []bool) {
	n := len(changed)
	isChanged := func(i int) bool { return i >= 0 && i < n && changed[i] }
	otherChanged := func(j int) bool { return j >= 0 && j < len(other) && other[j] }
	// up and down move line j to the previous or next unchanged line of
	// the other file.
	up := func(j int) int {
		for j--; otherChanged(j); j-- {
		}
		return j
	}

	i, j := 0, 0
	for {
		for i < n && !changed[i] {
			for otherChanged(j) {
				j++
			}
			i, j = i+1, j+1
		}
		if i == n {
			return
		}
		start := i
		for isChanged(i) {
			i++
		}
		for otherChanged(j) {
			j++
		}

		// corresponding is the end of the run at the last position where
		// it lined up with a change in the other file; n if none.
		corresponding := n
		for {
			length := i - start

			for start > 0 && lines[start-1] == lines[i-1] {
				start, i = start-1, i-1
				changed[start], changed[i] = true, false
				for isChanged(start - 1) {
					start--
				}
				j = up(j)
			}

			corresponding = n
			if otherChanged(j - 1) {
				corresponding = i
			}

			for i < n && lines[start] == lines[i] {
				changed[start], changed[i] = false, true
				start, i = start+1, i+1
				for isChanged(i) {
					i++
				}
				for j++; otherChanged(j); j++ {
					corresponding = i
				}
			}

			if i-start == length {
				break
			}
		}

		for corresponding < i {
			start, i = start-1, i-1
			changed[start], changed[i] = true, false
			j = up(j)
		}
	}
}
