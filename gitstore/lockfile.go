package gitstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrLocked is wrapped by the error returned when Git's lock file for a ref,
// for packed-refs or for the index already exists: another git or zonectl
// process is updating it, or one crashed and left the lock file behind.
var ErrLocked = errors.New("locked by another process")

// lockFile is Git's lock-file protocol for replacing a file: <file>.lock is
// created exclusively, written, fsynced and renamed over <file>. Whoever
// holds the .lock owns <file> until then; nothing else ever writes <file>
// in place, so readers see the old or the new content, never a mix.
type lockFile struct {
	target string
	path   string
	f      *os.File
}

// createLockFile creates target's lock file. If it already exists the
// error wraps ErrLocked and names it; what names the locked thing (a ref,
// packed-refs) is up to the caller.
func createLockFile(target string) (*lockFile, error) {
	path := target + ".lock"
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("%w: %q exists; if no git or zonectl process is running, remove it", ErrLocked, path)
	}
	if err != nil {
		return nil, err
	}
	return &lockFile{target: target, path: path, f: f}, nil
}

// commit writes data to the lock file, syncs it, renames it over the target
// and syncs the directory. On failure the lock file is removed and the
// target is untouched.
func (l *lockFile) commit(data []byte) error {
	f := l.f
	l.f = nil
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(l.path, l.target)
	}
	if err != nil {
		os.Remove(l.path)
		return fmt.Errorf("write %q: %w", l.target, err)
	}
	if err := syncDir(filepath.Dir(l.target)); err != nil {
		return fmt.Errorf("write %q: %w", l.target, err)
	}
	return nil
}

// release removes the lock file, leaving the target as it was. It does
// nothing after commit.
func (l *lockFile) release() {
	if l.f == nil {
		return
	}
	l.f.Close()
	l.f = nil
	os.Remove(l.path)
}

// syncDir fsyncs a directory so that a rename or removal in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
