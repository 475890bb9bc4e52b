package gitstore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// TreeFS returns a read-only file system over the tree of a commit, so the
// configuration a release snapshots can be decoded from Git exactly as it
// is decoded from a work tree. Symbolic links and submodules are not
// followed: they read as not existing, which keeps a tree from pointing a
// reader outside itself.
func (r *Repo) TreeFS(commit plumbing.Hash) (fs.FS, error) {
	c, err := r.repo.CommitObject(commit)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", commit, err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read the tree of commit %s: %w", commit, err)
	}
	return &treeFS{root: t, when: c.Committer.When, dirs: map[string]*object.Tree{".": t}}, nil
}

// treeFS reads a tree. It keeps each directory's tree once decoded: a
// Space of thousands of projects opens a file in each of thousands of
// directories, and going from the root for each decoded the directory of
// projects every time.
type treeFS struct {
	root *object.Tree
	when time.Time
	mu   sync.Mutex
	dirs map[string]*object.Tree // by path, "." for the root
}

// dir is the tree of the directory at name, decoded once.
func (t *treeFS) dir(name string) (*object.Tree, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dirLocked(name)
}

func (t *treeFS) dirLocked(name string) (*object.Tree, error) {
	if d, ok := t.dirs[name]; ok {
		return d, nil
	}
	parent, err := t.dirLocked(path.Dir(name))
	if err != nil {
		return nil, err
	}
	e, err := parent.FindEntry(path.Base(name))
	if err != nil || e.Mode != filemode.Dir {
		return nil, fs.ErrNotExist
	}
	sub, err := parent.Tree(path.Base(name))
	if err != nil {
		return nil, err
	}
	t.dirs[name] = sub
	return sub, nil
}

func (t *treeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &treeFSDir{fsys: t, name: ".", tree: t.root}, nil
	}
	parent, err := t.dir(path.Dir(name))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	entry, err := parent.FindEntry(path.Base(name))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	switch entry.Mode {
	case filemode.Dir:
		sub, err := t.dir(name)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &treeFSDir{fsys: t, name: name, tree: sub}, nil
	case filemode.Regular, filemode.Executable, filemode.Deprecated:
		f, err := parent.TreeEntryFile(entry)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		rc, err := f.Reader()
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &treeFSFile{info: t.info(path.Base(name), entry.Mode, f.Size), rc: rc}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (t *treeFS) info(name string, mode filemode.FileMode, size int64) *entryInfo {
	return &entryInfo{name: name, mode: mode, size: size, when: t.when}
}

type entryInfo struct {
	name string
	mode filemode.FileMode
	size int64
	when time.Time
}

func (i *entryInfo) Name() string       { return i.name }
func (i *entryInfo) Size() int64        { return i.size }
func (i *entryInfo) ModTime() time.Time { return i.when }
func (i *entryInfo) IsDir() bool        { return i.mode == filemode.Dir }
func (i *entryInfo) Sys() any           { return nil }
func (i *entryInfo) Mode() fs.FileMode {
	switch i.mode {
	case filemode.Dir:
		return fs.ModeDir | 0o555
	case filemode.Executable:
		return 0o555
	}
	return 0o444
}
func (i *entryInfo) Type() fs.FileMode          { return i.Mode().Type() }
func (i *entryInfo) Info() (fs.FileInfo, error) { return i, nil }
func (i *entryInfo) String() string             { return fs.FormatDirEntry(i) }

type treeFSFile struct {
	info *entryInfo
	rc   io.ReadCloser
}

func (f *treeFSFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *treeFSFile) Read(p []byte) (int, error) { return f.rc.Read(p) }
func (f *treeFSFile) Close() error               { return f.rc.Close() }

type treeFSDir struct {
	fsys    *treeFS
	name    string
	tree    *object.Tree
	entries []fs.DirEntry // nil until read
	offset  int
}

func (d *treeFSDir) Stat() (fs.FileInfo, error) {
	return d.fsys.info(path.Base(d.name), filemode.Dir, 0), nil
}

func (d *treeFSDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}

func (d *treeFSDir) Close() error { return nil }

// ReadDir lists the directory in name order, leaving out what Open would
// not open (links and submodules).
func (d *treeFSDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.entries == nil {
		d.entries = []fs.DirEntry{}
		for _, e := range d.tree.Entries {
			switch e.Mode {
			case filemode.Dir, filemode.Regular, filemode.Executable, filemode.Deprecated:
			default:
				continue
			}
			var size int64
			if e.Mode != filemode.Dir {
				if s, err := d.tree.Size(e.Name); err == nil {
					size = s
				}
			}
			d.entries = append(d.entries, d.fsys.info(e.Name, e.Mode, size))
		}
		sort.Slice(d.entries, func(i, j int) bool { return strings.Compare(d.entries[i].Name(), d.entries[j].Name()) < 0 })
	}
	rest := d.entries[d.offset:]
	if n <= 0 {
		d.offset = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.offset += n
	return rest[:n], nil
}
