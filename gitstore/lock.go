package gitstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// LockFileName is the Space lock's file in the repository's common Git
// directory. It is no lock file of Git's (those end in .lock and their
// presence is the lock): it always exists, and the flock(2) on it is the
// lock, which the kernel drops when its holder dies.
const LockFileName = "zonectl/flock"

// Back-off between attempts to take the Space lock.
const (
	lockFirstWait = time.Millisecond
	lockMaxWait   = 50 * time.Millisecond
)

// Lock takes the Space lock: an exclusive flock(2) on <gitdir>/zonectl/flock,
// created if needed. It retries with a short back-off until it gets the lock
// or ctx ends. The lock belongs to the open file, not to the process, so two
// Repo values (or two Lock calls on one Repo) exclude each other too; it is
// not reentrant. The kernel releases it if the process dies.
//
// unlock releases the lock; calling it again returns the first call's
// result.
func (r *Repo) Lock(ctx context.Context) (unlock func() error, err error) {
	path := filepath.Join(r.commonDir, LockFileName)
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return nil, fmt.Errorf("space lock %q: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("space lock %q: %w", path, err)
	}
	wait := lockFirstWait
	for {
		err := tryLockFile(f)
		if err == nil {
			break
		}
		if !errors.Is(err, errWouldBlock) {
			f.Close()
			return nil, fmt.Errorf("space lock %q: %w", path, err)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			f.Close()
			return nil, fmt.Errorf("another zonectl process holds the Space lock %q: %w", path, context.Cause(ctx))
		case <-timer.C:
		}
		wait = min(2*wait, lockMaxWait)
	}
	return sync.OnceValue(func() error {
		if err := errors.Join(unlockFile(f), f.Close()); err != nil {
			return fmt.Errorf("release Space lock %q: %w", path, err)
		}
		return nil
	}), nil
}

// TryClaim takes, without waiting, an exclusive flock(2) on a file of its
// own named by name under <gitdir>/zonectl/claims/, for work that runs
// outside a transaction but must not run twice at once (the automatic
// deployments of a new release). held is false when another process holds
// it. The kernel drops the claim when its holder dies, so a claim that a
// crash interrupted can be taken again at once.
func (r *Repo) TryClaim(name string) (release func(), held bool, err error) {
	if err := ValidateRefName("refs/" + name); err != nil {
		return nil, false, fmt.Errorf("claim %q: %w", name, err)
	}
	path := filepath.Join(r.commonDir, "zonectl", "claims", filepath.FromSlash(strings.ToLower(name)))
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return nil, false, fmt.Errorf("claim %q: %w", name, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, false, fmt.Errorf("claim %q: %w", name, err)
	}
	switch err := tryLockFile(f); {
	case err == nil:
		return sync.OnceFunc(func() { unlockFile(f); f.Close() }), true, nil
	case errors.Is(err, errWouldBlock):
		f.Close()
		return func() {}, false, nil
	default:
		f.Close()
		return nil, false, fmt.Errorf("claim %q: %w", name, err)
	}
}
