//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package gitstore

import (
	"errors"
	"os"
	"syscall"
)

// errWouldBlock reports that another open file holds the lock.
var errWouldBlock = errors.New("lock held elsewhere")

// tryLockFile takes an exclusive flock on f without waiting.
func tryLockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return errWouldBlock
		default:
			return err
		}
	}
}

// unlockFile releases the flock on f.
func unlockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
