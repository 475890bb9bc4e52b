package gitstore

import (
	"bytes"
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// ObjectStore is the repository's object store: go-git's, for reading and
// for single objects, plus StorePack, which adds a whole pack the way git
// adds one it fetched. gitstore/bundle unbundles into it.
type ObjectStore struct {
	storer.EncodedObjectStorer
	repo *Repo
}

// Objects returns the repository's object store.
func (r *Repo) Objects() *ObjectStore {
	return &ObjectStore{EncodedObjectStorer: r.repo.Storer, repo: r}
}

// StorePack adds the pack that pack yields, whose index is idx, to the
// repository. It writes the pack so that a crash at any moment leaves
// either no trace of it that git or go-git reads, or the whole pack:
//
//  1. the pack is copied to objects/pack/tmp_pack_XXXXXX and synced; its
//     trailer must be the SHA-1 of what precedes it and the checksum idx
//     names;
//  2. idx is written to objects/pack/tmp_idx_XXXXXX and synced;
//  3. the index is renamed to pack-<checksum>.idx, which no reader uses
//     while the .pack beside it is missing;
//  4. the pack is renamed to pack-<checksum>.pack: the commit point;
//  5. objects/pack is synced, and go-git is told to list the packs again.
//
// Git renames the .pack first and the .idx last, because git finds packs
// by their .idx and ignores a .pack without one. go-git finds packs by
// their .pack and fails on one without its .idx (every object lookup
// after it reports "not found"), so StorePack renames in the order under
// which both readers see the pack at one moment, step 4, and nothing
// broken before it. A .idx left alone by a crash between steps 3 and 4
// is ignored by both, and git gc removes it.
//
// A pack already in the repository under that name (the same objects
// fetched by git, or a run that got past step 4) is kept and synced, and
// ours dropped. A .pack or .idx under that name with another size than
// ours is a truncated one (go-git's own pack writer leaves an empty .idx
// when it is killed) and is replaced, as a missing .idx is. On an error,
// or once ctx ends, the temporary files are removed.
func (s *ObjectStore) StorePack(ctx context.Context, pack io.Reader, idx *idxfile.MemoryIndex) error {
	if err := s.repo.storePack(ctx, pack, idx); err != nil {
		return fmt.Errorf("store pack: %w", err)
	}
	return nil
}

// packFileMode is the mode git gives pack and index files.
const packFileMode = 0o444

func (r *Repo) storePack(ctx context.Context, pack io.Reader, idx *idxfile.MemoryIndex) error {
	dir, err := r.packDir()
	if err != nil {
		return err
	}
	tmpPack, packSize, sum, err := writePackTemp(ctx, dir, pack)
	if err != nil {
		return err
	}
	defer os.Remove(tmpPack) // fails once the file is renamed
	if !bytes.Equal(sum[:], idx.PackfileChecksum[:]) {
		return fmt.Errorf("the index is of pack %s, not of this pack, %s", plumbing.Hash(idx.PackfileChecksum), sum)
	}
	tmpIdx, idxSize, err := writeTemp(dir, "tmp_idx_", func(w io.Writer) error {
		_, err := idxfile.NewEncoder(w).Encode(idx)
		return err
	})
	if err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	defer os.Remove(tmpIdx)
	if err := ctx.Err(); err != nil {
		return err
	}

	base := filepath.Join(dir, "pack-"+sum.String())
	packPath, idxPath := base+".pack", base+".idx"
	havePack, err := keepExisting(packPath, packSize)
	if err != nil {
		return err
	}
	haveIdx, err := keepExisting(idxPath, idxSize)
	if err != nil {
		return err
	}
	if !haveIdx {
		if err := os.Rename(tmpIdx, idxPath); err != nil {
			return err
		}
	}
	if !havePack {
		if err := os.Rename(tmpPack, packPath); err != nil {
			return err
		}
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	if st, ok := r.repo.Storer.(interface{ Reindex() }); ok {
		st.Reindex()
	}
	return nil
}

// packDir returns objects/pack, creating it (durably) if a repository
// lacks it, as one that git did not create may.
func (r *Repo) packDir() (string, error) {
	objects := filepath.Join(r.commonDir, "objects")
	dir := filepath.Join(objects, "pack")
	err := os.Mkdir(dir, 0o755)
	if errors.Is(err, fs.ErrExist) {
		return dir, nil
	}
	if err == nil {
		err = syncDir(objects)
	}
	return dir, err
}

// writePackTemp copies a pack to a synced temporary file in dir and
// returns its name, its size and its checksum, once it has checked that
// the pack's trailer is that checksum.
func writePackTemp(ctx context.Context, dir string, pack io.Reader) (name string, size int64, sum plumbing.Hash, err error) {
	th := &trailerHash{h: sha1.New()}
	name, size, err = writeTemp(dir, "tmp_pack_", func(w io.Writer) error {
		_, err := io.Copy(io.MultiWriter(w, th), ctxReader{ctx, pack})
		return err
	})
	if err != nil {
		return "", 0, sum, fmt.Errorf("write pack: %w", err)
	}
	copy(sum[:], th.h.Sum(nil))
	if th.n < sha1.Size || !bytes.Equal(th.tail[:], sum[:]) {
		os.Remove(name)
		return "", 0, sum, fmt.Errorf("write pack: its trailer is not the SHA-1 of its %d bytes", size)
	}
	return name, size, sum, nil
}

// writeTemp writes a file in dir through write, with a name that starts
// with prefix and that git gc removes once it is old, syncs it, makes it
// read-only as git's pack files are, and returns its name and size. On an
// error the file is removed.
func writeTemp(dir, prefix string, write func(io.Writer) error) (name string, size int64, err error) {
	f, err := os.CreateTemp(dir, prefix)
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return "", 0, err
	}
	if err := f.Chmod(packFileMode); err != nil {
		return "", 0, err
	}
	if err := f.Sync(); err != nil {
		return "", 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	if err := f.Close(); err != nil {
		return "", 0, err
	}
	return f.Name(), fi.Size(), nil
}

// keepExisting reports whether path holds a file of size bytes already,
// which it then syncs: another writer (git with core.fsync off, go-git)
// may have left it in the page cache only. A file of another size is a
// truncated one, to be replaced.
func keepExisting(path string, size int64) (bool, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() {
		return false, fmt.Errorf("%q is not a regular file", path)
	}
	if fi.Size() != size {
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err == nil, err
}

// trailerHash hashes what is written to it except the last sha1.Size
// bytes, which it keeps: the trailer of a pack is the SHA-1 of everything
// before it.
type trailerHash struct {
	h    hash.Hash
	tail [sha1.Size]byte
	n    int // bytes held in tail
}

func (t *trailerHash) Write(p []byte) (int, error) {
	written := len(p)
	// Hash the bytes that p pushes out of the last sha1.Size: first the
	// oldest held ones, then the front of p.
	if out := t.n + len(p) - sha1.Size; out > 0 {
		fromTail := min(out, t.n)
		t.h.Write(t.tail[:fromTail])
		t.n = copy(t.tail[:], t.tail[fromTail:t.n])
		t.h.Write(p[:out-fromTail])
		p = p[out-fromTail:]
	}
	t.n += copy(t.tail[t.n:], p)
	return written, nil
}

// ctxReader fails with ctx's error once ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
