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
	unlock, err = flockFile(ctx, path)
	if errors.Is(err, errWouldBlock) {
		return nil, fmt.Errorf("another zonectl process holds the Space lock %q: %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("space lock %q: %w", path, err)
	}
	return unlock, nil
}

// flockFile takes an exclusive flock on the file at path, created (with
// its directory) if needed, waiting until ctx ends. unlock releases it;
// calling it again returns the first call's result.
func flockFile(ctx context.Context, path string) (unlock func() error, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	if err := waitLock(ctx, f); err != nil {
		f.Close()
		return nil, err
	}
	return sync.OnceValue(func() error {
		if err := errors.Join(unlockFile(f), f.Close()); err != nil {
			return fmt.Errorf("release %q: %w", path, err)
		}
		return nil
	}), nil
}

// waitLock takes an exclusive flock on f, retrying with a short back-off
// until ctx ends; then the error wraps errWouldBlock.
func waitLock(ctx context.Context, f *os.File) error {
	wait := lockFirstWait
	for {
		err := tryLockFile(f)
		if err == nil || !errors.Is(err, errWouldBlock) {
			return err
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("%w: %w", errWouldBlock, context.Cause(ctx))
		case <-timer.C:
		}
		wait = min(2*wait, lockMaxWait)
	}
}

// Claim takes an exclusive flock(2) on a file of its own named by name
// under <gitdir>/zonectl/claims/, waiting until ctx ends while another
// process holds it, for work that runs outside a transaction but must not
// run twice at once (a release's automatic deployments). The kernel drops
// a claim when its holder dies, so a claim that a crash interrupted is
// free at once.
func (r *Repo) Claim(ctx context.Context, name string) (release func(), err error) {
	if err := ValidateRefName("refs/" + name); err != nil {
		return nil, fmt.Errorf("claim %q: %w", name, err)
	}
	path := filepath.Join(r.commonDir, "zonectl", "claims", filepath.FromSlash(strings.ToLower(name)))
	unlock, err := flockFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("claim %q: %w", name, err)
	}
	return func() { unlock() }, nil
}
