//go:build unix

package gitstore

import (
	"os"
	"runtime"
	"syscall"
)

// mapFile maps the file at path into memory, read-only. The mapping
// outlives the file's removal (git gc deleting a pack); unmapWith undoes
// it once its owner is unreachable.
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() == 0 {
		return []byte{}, nil
	}
	return syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
}

// unmapWith unmaps b once owner is unreachable: a process that opens
// repositories again and again (a test suite, a server) keeps no
// mappings of the ones it let go.
func unmapWith[T any](owner *T, b []byte) {
	if len(b) > 0 {
		runtime.AddCleanup(owner, func(b []byte) { syscall.Munmap(b) }, b)
	}
}
