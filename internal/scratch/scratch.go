package scratch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// An Area is a set of directories whose temporary entries are made and
// swept under one lock.
type Area struct {
	lockPath string
}

// New returns the area whose lock is taken on lockPath, a file or a
// directory that exists whenever an entry is made: the directory that
// holds the entries serves, and so no file is added for the lock.
func New(lockPath string) *Area { return &Area{lockPath: lockPath} }

// A File is a temporary file, open for writing and locked until Remove.
// Closing it (the embedded *os.File) keeps the file and its lock: the file
// stays safe from Sweep until Remove, or until it is renamed out of the
// swept directory.
type File struct {
	*os.File
	lock *os.File
}

// Remove closes the file, removes it unless it has been renamed away, and
// drops its lock.
func (f *File) Remove() error {
	f.File.Close()
	err := os.Remove(f.Name())
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	f.lock.Close()
	return err
}

// A Dir is a temporary directory, locked until Remove. What is made inside
// it goes with it and needs no lock of its own.
type Dir struct {
	path string
	lock *os.File
}

// Path is the directory's path.
func (d *Dir) Path() string { return d.path }

// Remove removes the directory and everything in it, and drops its lock.
func (d *Dir) Remove() error {
	err := os.RemoveAll(d.path)
	d.lock.Close()
	return err
}

// CreateTemp makes a new file in dir, named from pattern as
// os.CreateTemp names it, and locks it.
func (a *Area) CreateTemp(dir, pattern string) (*File, error) {
	var f *os.File
	lock, err := a.make(func() (string, error) {
		var err error
		f, err = os.CreateTemp(dir, pattern)
		if err != nil {
			return "", err
		}
		return f.Name(), nil
	})
	if err != nil {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
		return nil, err
	}
	return &File{File: f, lock: lock}, nil
}

// MkdirTemp makes a new directory in dir, named from pattern as
// os.MkdirTemp names it, and locks it.
func (a *Area) MkdirTemp(dir, pattern string) (*Dir, error) {
	var path string
	lock, err := a.make(func() (string, error) {
		var err error
		path, err = os.MkdirTemp(dir, pattern)
		return path, err
	})
	if err != nil {
		if path != "" {
			os.Remove(path)
		}
		return nil, err
	}
	return &Dir{path: path, lock: lock}, nil
}

// make runs create, which makes an entry and returns its path, and locks
// the entry, all while holding the area's lock shared, so that no Sweep
// sees the entry before it is locked. It returns the open file that holds
// the entry's lock. On a file system that refuses locks (some network
// ones), the entry is made unlocked: Sweep cannot lock it there either,
// and leaves it alone.
func (a *Area) make(create func() (string, error)) (*os.File, error) {
	area, err := os.Open(a.lockPath)
	if err != nil {
		return nil, err
	}
	defer area.Close()
	_ = lockShared(area)
	path, err := create()
	if err != nil {
		return nil, err
	}
	lock, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if ok, err := tryLock(lock); !ok && err == nil {
		// No one else can know the entry yet.
		lock.Close()
		return nil, fmt.Errorf("lock %s: locked by another process", path)
	}
	return lock, nil
}
