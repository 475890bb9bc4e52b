package gitstore

import (
	"bytes"
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
	return &treeFS{repo: r, when: c.Committer.When, dirs: map[string]plumbing.Hash{".": c.TreeHash}}, nil
}

// treeFS reads a tree. It keeps where each directory it found is: a
// Space of thousands of projects opens a file in each of thousands of
// directories. Entries are found with Repo.EntryAt, which reads the
// directory of projects without decoding it for a command on one
// project. It is safe for concurrent use (the configuration loader
// parses projects on every core): go-git's object storage is not, so
// every read of it holds mu, and a file is read whole when opened.
type treeFS struct {
	repo *Repo
	when time.Time
	mu   sync.Mutex
	dirs map[string]plumbing.Hash // the tree of each directory found, by path; "." for the root
}

// entry is the entry at name, found from its directory's tree.
func (t *treeFS) entry(name string) (object.TreeEntry, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if h, ok := t.dirs[name]; ok {
		return object.TreeEntry{Name: path.Base(name), Mode: filemode.Dir, Hash: h}, true, nil
	}
	return t.entryLocked(name)
}

func (t *treeFS) entryLocked(name string) (object.TreeEntry, bool, error) {
	dir := path.Dir(name)
	parent, ok := t.dirs[dir]
	if !ok {
		e, found, err := t.entryLocked(dir)
		if err != nil || !found || e.Mode != filemode.Dir {
			return object.TreeEntry{}, false, err
		}
		parent = e.Hash
	}
	e, found, err := t.repo.EntryAt(parent, path.Base(name))
	if err == nil && found && e.Mode == filemode.Dir {
		t.dirs[name] = e.Hash
	}
	return e, found, err
}

func (t *treeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	entry, ok, err := t.entry(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	switch entry.Mode {
	case filemode.Dir:
		return &treeFSDir{fsys: t, name: name, hash: entry.Hash}, nil
	case filemode.Regular, filemode.Executable, filemode.Deprecated:
		data, err := t.blob(entry.Hash)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &treeFSFile{info: t.info(path.Base(name), entry.Mode, int64(len(data))), rc: io.NopCloser(bytes.NewReader(data))}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// blob is the contents of the blob h.
func (t *treeFS) blob(h plumbing.Hash) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, err := t.repo.repo.BlobObject(h)
	if err != nil {
		return nil, err
	}
	rc, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// size is the size of the blob h.
func (t *treeFS) size(h plumbing.Hash) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, _ := t.repo.repo.Storer.EncodedObjectSize(h)
	return n
}

// tree is the decoded tree h.
func (t *treeFS) tree(h plumbing.Hash) (*object.Tree, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.repo.Tree(h)
}

func (t *treeFS) info(name string, mode filemode.FileMode, size int64) *entryInfo {
	return &entryInfo{name: name, mode: mode, size: size, when: t.when}
}

type entryInfo struct {
	name   string
	mode   filemode.FileMode
	size   int64
	sizeOf func() int64 // when set, the size, read once on first use
	when   time.Time
}

func (i *entryInfo) Name() string { return i.name }
func (i *entryInfo) Size() int64 {
	if i.sizeOf != nil {
		i.size, i.sizeOf = i.sizeOf(), nil
	}
	return i.size
}
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
	hash    plumbing.Hash
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
		tree, err := d.fsys.tree(d.hash)
		if err != nil {
			return nil, &fs.PathError{Op: "readdir", Path: d.name, Err: err}
		}
		d.entries = []fs.DirEntry{}
		for _, e := range tree.Entries {
			switch e.Mode {
			case filemode.Dir, filemode.Regular, filemode.Executable, filemode.Deprecated:
			default:
				continue
			}
			info := d.fsys.info(e.Name, e.Mode, 0)
			if e.Mode != filemode.Dir {
				// Listing a directory of thousands of projects must not
				// read an object for each; a size is read when asked for.
				fsys, blob := d.fsys, e.Hash
				info.sizeOf = func() int64 { return fsys.size(blob) }
			}
			d.entries = append(d.entries, info)
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
