// Package scratch owns temporary files and directories that a crash may
// leave behind, and the removal of those whose owner is gone.
//
// Every entry is made inside an Area and locked (flock) by the process
// that made it for as long as it needs the entry; the kernel drops the
// lock when the process ends, however it ends. Sweep removes an entry only
// once it can take that lock itself, so it never takes an entry from a
// process that is still using it, and it removes whatever a killed
// process (SIGKILL, a power loss) left, at once, without waiting for it to
// grow old.
//
// An entry cannot be made and locked in one step, so the Area has a lock
// of its own: a maker holds it shared from before the entry exists until
// the entry is locked, and Sweep holds it exclusively. A Sweep that finds
// it taken does nothing, and the next one will do the work.
//
// The Area says nothing about what the entries are for or where they go:
// its users (the package store) name them and choose which names Sweep
// may take. Where file locks do not exist (see locking), entries are made
// all the same and Sweep removes nothing.
package scratch
