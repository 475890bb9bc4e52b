package gitstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// ErrLocked is wrapped by the error returned when Git's lock file for a ref,
// for packed-refs or for the index stays in place longer than zonectl
// waits: another git or zonectl process is updating it, or one crashed and
// left the lock file behind.
var ErrLocked = errors.New("locked by another process")

// GitLockWait is how long zonectl waits for a lock file that another
// process (git commit, git pack-refs, git gc) holds before giving up. Git
// holds its locks for milliseconds; waiting this long rides out a busy
// gc without hanging on a lock that a crashed process left.
var GitLockWait = 10 * time.Second

// lockFile is one of Git's lock files (<file>.lock) held by zonectl.
// Whoever holds the .lock owns <file> until it is removed or renamed over
// <file>; nothing else ever writes <file> in place, so readers see the old
// or the new content, never a mix.
//
// zonectl creates a lock file with its content already in it (a
// temporary file, synced, then hard-linked to the .lock name, which fails
// if the name exists): a lock file of zonectl's is never empty or
// half-written, and its content tells recovery that it is zonectl's.
type lockFile struct {
	target  string
	path    string
	content []byte
	held    bool
}

// takeLockFile creates target's lock file holding content, waiting up to
// GitLockWait (or until ctx ends) while another process holds it. The
// error wraps ErrLocked and names the lock file when it stays.
func takeLockFile(ctx context.Context, scratch, target string, content []byte) (*lockFile, error) {
	l := &lockFile{target: target, path: target + ".lock", content: content}
	tmp, err := writeScratch(scratch, content)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	deadline := time.Now().Add(GitLockWait)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		err := os.Link(tmp, l.path)
		if err == nil {
			l.held = true
			return l, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %q: %w", l.path, err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w: %q has existed for %s; if no git or zonectl process is running, remove it", ErrLocked, l.path, GitLockWait)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %q: %w", l.path, context.Cause(ctx))
		case <-time.After(wait):
		}
	}
}

// ours reports whether the lock file at path holds content: a lock file
// named in an interrupted transaction is the transaction's only if it
// does, since the crash may have come before zonectl created it and
// another process may hold it now.
func lockIsOurs(path string, content []byte) bool {
	data, err := os.ReadFile(path)
	return err == nil && bytes.Equal(data, content)
}

// commitRename renames the lock file over its target, git's way of
// publishing a ref whose new value the lock file holds.
func (l *lockFile) commitRename() error {
	if err := os.Rename(l.path, l.target); err != nil {
		return fmt.Errorf("write %q: %w", l.target, err)
	}
	l.held = false
	return syncDir(filepath.Dir(l.target))
}

// release removes the lock file, leaving the target as it was. It does
// nothing once the lock is committed or released.
func (l *lockFile) release() {
	if l == nil || !l.held {
		return
	}
	l.held = false
	os.Remove(l.path)
}

// writeScratch writes data to a new synced file in dir and returns its
// path.
func writeScratch(dir string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "tmp-")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// replaceFile puts data at path whole: written to a synced file in
// scratch, renamed over path, the directory synced. The caller holds
// path's lock file. Scratch is gitstore's own directory, so that a crash
// leaves no temporary file beside path (in the work tree, say) for
// someone to find; when path is on another filesystem the temporary file
// goes beside it instead.
func replaceFile(scratch, path string, data []byte, perm fs.FileMode) error {
	err := replaceVia(scratch, path, data, perm)
	if errors.Is(err, syscall.EXDEV) {
		err = replaceVia(filepath.Dir(path), path, data, perm)
	}
	if err != nil {
		return fmt.Errorf("write %q: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

func replaceVia(dir, path string, data []byte, perm fs.FileMode) error {
	tmp, err := writeScratch(dir, data)
	if err != nil {
		return err
	}
	if err := os.Chmod(tmp, perm); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
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
