//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package gitstore

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// errWouldBlock reports that another open file holds the lock.
var errWouldBlock = errors.New("lock held elsewhere")

// tryLockFile fails: the Space lock needs flock(2).
func tryLockFile(*os.File) error {
	return fmt.Errorf("the Space lock needs flock(2), which %s does not have", runtime.GOOS)
}

// unlockFile does nothing: tryLockFile never succeeds here.
func unlockFile(*os.File) error { return nil }
