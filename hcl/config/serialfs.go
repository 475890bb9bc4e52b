package config

import (
	"io/fs"
	"sync"
)

// serialFS lets the loaders of readProjects share a file system that is
// not safe for concurrent use (a commit's tree, read through go-git's
// object storage): one call at a time. Reading is the small part of
// loading; parsing and decoding, outside the lock, are the large one.
type serialFS struct {
	mu   sync.Mutex
	fsys fs.FS
}

func (s *serialFS) ReadFile(name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fs.ReadFile(s.fsys, name)
}

func (s *serialFS) ReadDir(name string) ([]fs.DirEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fs.ReadDir(s.fsys, name)
}

func (s *serialFS) Stat(name string) (fs.FileInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fs.Stat(s.fsys, name)
}

func (s *serialFS) Open(name string) (fs.File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	return &serialFile{mu: &s.mu, f: f}, nil
}

// serialFile is a file opened through a serialFS, read under its lock.
type serialFile struct {
	mu *sync.Mutex
	f  fs.File
}

func (f *serialFile) Read(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.f.Read(b)
}

func (f *serialFile) Stat() (fs.FileInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.f.Stat()
}

func (f *serialFile) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.f.Close()
}

func (f *serialFile) ReadDir(n int) ([]fs.DirEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d, ok := f.f.(fs.ReadDirFile); ok {
		return d.ReadDir(n)
	}
	return nil, &fs.PathError{Op: "readdir", Err: fs.ErrInvalid}
}
