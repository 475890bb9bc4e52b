package scratch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Removed is an entry Sweep removed: its path, and the bytes of the files
// it held.
type Removed struct {
	Path string
	Size int64
}

// Sweep removes the entries of dir whose names match and that no live
// process holds: those whose lock it can take. It does nothing while
// another Sweep of the area runs or an entry is being made, and nothing
// where file locks do not exist. An entry it cannot remove stays, for a
// later Sweep; the error is the first such failure.
func (a *Area) Sweep(dir string, match func(name string) bool) ([]Removed, error) {
	if !locking {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var candidates []string
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink == 0 && match(e.Name()) {
			candidates = append(candidates, filepath.Join(dir, e.Name()))
		}
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	area, err := os.Open(a.lockPath)
	if err != nil {
		return nil, err
	}
	defer area.Close()
	if ok, err := tryLock(area); !ok {
		return nil, err
	}
	var removed []Removed
	var first error
	for _, path := range candidates {
		r, err := sweepOne(path)
		if err != nil && first == nil {
			first = err
		}
		if r != nil {
			removed = append(removed, *r)
		}
	}
	return removed, first
}

// sweepOne removes path if its lock is free, and says what it removed.
func sweepOne(path string) (*Removed, error) {
	lock, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if ok, err := tryLock(lock); !ok {
		return nil, err
	}
	size := diskUsage(path)
	if err := os.RemoveAll(path); err != nil {
		return nil, err
	}
	return &Removed{Path: path, Size: size}, nil
}

// diskUsage adds up the sizes of the files under path.
func diskUsage(path string) int64 {
	var n int64
	filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
