package store

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/zonectl/zonectl/internal/hashpipe"
	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/scratch"

	"github.com/zonectl/zonectl/internal/atomicfile"
)

// copyBufferSize is the one buffer a push streams through: memory stays
// this size however large the package.
const copyBufferSize = 1 << 20

// Push stores the bytes read from r as the package opts.ID opts.Version.
// The bytes stream through SHA-256 into a temporary file, which is synced
// (when the store already holds the ID and version, they are only hashed);
// then
//
//  1. if the store holds the ID and version with the same hash, nothing
//     changes and existed is true;
//  2. if it holds them with another hash, the push is refused with a
//     *ConflictError and nothing changes;
//  3. otherwise the blob takes its place (or the one already stored under
//     that hash is kept), then the index entry is created.
//
// Two pushes of the same ID and version at once, in goroutines or
// processes, end as if one came after the other. Cancelling ctx aborts the
// push and removes its temporary file.
func (s *Store) Push(ctx context.Context, r io.Reader, opts PushOptions) (pkg Package, existed bool, err error) {
	if err := opts.Validate(); err != nil {
		return Package{}, false, err
	}
	name := opts.ID + " " + opts.Version
	defer func() {
		var conflict *ConflictError
		if err != nil && !errors.As(err, &conflict) {
			err = fmt.Errorf("push %s: %w", name, err)
		}
	}()
	if err := s.prepare(); err != nil {
		return Package{}, false, err
	}
	// A version already stored, with its blob, needs only the hash of what
	// is pushed to settle the push: the bytes are not written.
	stored, err := s.Get(opts.ID, opts.Version)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Package{}, false, err
	}
	keep := err != nil || !s.Has(stored.SHA256)
	kept, sum, size, err := s.receive(ctx, r, -1, opts.Progress, keep)
	if err != nil {
		return Package{}, false, err
	}
	tmp := ""
	if kept != nil {
		defer kept.Remove()
		tmp = kept.Name()
	}

	pkg = Package{
		ID:       opts.ID,
		Version:  opts.Version,
		SHA256:   sum,
		Size:     size,
		PushedAt: opts.Now.UTC().Truncate(time.Second),
		PushedBy: opts.PushedBy,
		FileName: opts.FileName,
	}
	stored, err = s.Get(opts.ID, opts.Version)
	switch {
	case err == nil:
		return s.compare(stored, pkg, tmp)
	case !errors.Is(err, ErrNotFound):
		return Package{}, false, err
	case tmp == "":
		// The entry went away while the bytes streamed in (only a person
		// editing the store does that): push again, keeping the bytes.
		return Package{}, false, fmt.Errorf("the index entry of %s disappeared during the push; push again", name)
	}
	if err := ctx.Err(); err != nil {
		return Package{}, false, err
	}
	if err := s.placeBlob(tmp, sum); err != nil {
		return Package{}, false, err
	}
	if err := s.writeEntry(pkg); errors.Is(err, fs.ErrExist) {
		// Another push of this ID and version won the race.
		stored, err := s.Get(opts.ID, opts.Version)
		if err != nil {
			return Package{}, false, err
		}
		return s.compare(stored, pkg, tmp)
	} else if err != nil {
		return Package{}, false, err
	}
	return pkg, false, nil
}

// Name records a blob the store already holds, by the hash it was put
// under, as the package opts.ID opts.Version, without reading its bytes:
// for packages that arrived by hash (PutBlob, PutFile) and are verified
// already. The ID and version follow Push's rules: the same hash again is
// a no-op (existed is true), another hash a *ConflictError.
func (s *Store) Name(sha256 string, size int64, opts PushOptions) (pkg Package, existed bool, err error) {
	if err := opts.Validate(); err != nil {
		return Package{}, false, err
	}
	if err := names.CheckSHA256(sha256); err != nil {
		return Package{}, false, err
	}
	name := opts.ID + " " + opts.Version
	if !s.Has(sha256) {
		return Package{}, false, fmt.Errorf("name %s: blob sha256 %s is not in the store: %w", name, sha256, ErrNotFound)
	}
	pkg = Package{
		ID: opts.ID, Version: opts.Version, SHA256: sha256, Size: size,
		PushedAt: opts.Now.UTC().Truncate(time.Second), PushedBy: opts.PushedBy, FileName: opts.FileName,
	}
	stored, err := s.Get(opts.ID, opts.Version)
	switch {
	case err == nil:
		return s.compare(stored, pkg, "")
	case !errors.Is(err, ErrNotFound):
		return Package{}, false, err
	}
	if err := s.writeEntry(pkg); errors.Is(err, fs.ErrExist) {
		stored, err := s.Get(opts.ID, opts.Version)
		if err != nil {
			return Package{}, false, err
		}
		return s.compare(stored, pkg, "")
	} else if err != nil {
		return Package{}, false, fmt.Errorf("name %s: %w", name, err)
	}
	return pkg, false, nil
}

// compare settles a push of an ID and version the store already holds:
// the same bytes are a no-op (restoring the blob from tmp, when the bytes
// were kept, if it has gone missing), other bytes a conflict.
func (s *Store) compare(stored, pushed Package, tmp string) (Package, bool, error) {
	if stored.SHA256 != pushed.SHA256 || stored.Size != pushed.Size {
		return Package{}, false, &ConflictError{ID: pushed.ID, Version: pushed.Version, Stored: stored, SHA256: pushed.SHA256, Size: pushed.Size}
	}
	if tmp != "" {
		if err := s.placeBlob(tmp, stored.SHA256); err != nil {
			return Package{}, false, err
		}
	}
	return stored, true, nil
}

// PutBlob stores the bytes read from r as the blob whose SHA-256 is
// wantSHA256, for bytes that arrive by hash (from a bundle, or rebuilt
// from a delta). It reads at most size+1 bytes and refuses, with an
// *IntegrityError, bytes of another size or hash; refused bytes never
// become visible. When the blob is already stored, r is not read.
func (s *Store) PutBlob(ctx context.Context, r io.Reader, wantSHA256 string, size int64) (err error) {
	if err := names.CheckSHA256(wantSHA256); err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("put blob %s: negative size %d", wantSHA256, size)
	}
	if s.Has(wantSHA256) {
		return nil
	}
	defer func() {
		var integrity *IntegrityError
		if err != nil && !errors.As(err, &integrity) {
			err = fmt.Errorf("put blob %s: %w", wantSHA256, err)
		}
	}()
	if err := s.prepare(); err != nil {
		return err
	}
	tmp, sum, n, err := s.receive(ctx, r, size+1, nil, true)
	if err != nil {
		return err
	}
	defer tmp.Remove()
	if err := checkBlob(wantSHA256, size, sum, n); err != nil {
		return err
	}
	return s.placeBlob(tmp.Name(), sum)
}

// PutFile stores the file at path as the blob whose SHA-256 is
// wantSHA256, like PutBlob, but moves the file into place instead of
// copying it when both are on one file system, as a bundle extracted into
// the store's directory is: a large package is then written once, not
// twice. The file is hashed again and synced before it moves; on any
// error it stays where it was, for the caller to remove.
func (s *Store) PutFile(ctx context.Context, path, wantSHA256 string, size int64) (err error) {
	if err := names.CheckSHA256(wantSHA256); err != nil {
		return err
	}
	if s.Has(wantSHA256) {
		return nil
	}
	defer func() {
		var integrity *IntegrityError
		if err != nil && !errors.As(err, &integrity) {
			err = fmt.Errorf("put blob %s from %s: %w", wantSHA256, path, err)
		}
	}()
	if err := s.prepare(); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, sum, n, err := s.receive(ctx, f, size+1, nil, false)
	if err != nil {
		return err
	}
	if err := checkBlob(wantSHA256, size, sum, n); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := s.placeBlob(path, sum); err != nil {
		if !errors.Is(err, syscall.EXDEV) {
			return err
		}
		// Another file system: copy after all.
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return s.PutBlob(ctx, f, wantSHA256, size)
	}
	return nil
}

// checkBlob refuses bytes that arrived by hash, of sha256 sum and n bytes,
// unless they are the wantSHA256 and size they were sent as.
func checkBlob(wantSHA256 string, size int64, sum string, n int64) error {
	what := "blob sha256 " + wantSHA256
	if n != size {
		return &IntegrityError{What: what, WantSHA256: wantSHA256, WantSize: size, Size: n}
	}
	if sum != wantSHA256 {
		return &IntegrityError{What: what, WantSHA256: wantSHA256, SHA256: sum, WantSize: size, Size: n}
	}
	return nil
}

// receive streams r through SHA-256 and returns its hash and size; with
// keep, it also writes the bytes to a new synced file under tmp/, which
// the caller removes, and returns it closed. With limit >= 0 it stops
// after limit bytes. On error the file is removed.
func (s *Store) receive(ctx context.Context, r io.Reader, limit int64, progress func(int64), keep bool) (tmp *scratch.File, sum string, n int64, err error) {
	if err := ctx.Err(); err != nil {
		return nil, "", 0, err
	}
	if limit >= 0 {
		r = io.LimitReader(r, limit)
	}
	var f *scratch.File
	if keep {
		f, err = s.scratch.CreateTemp(s.path(tmpDir), "blob-*")
		if err != nil {
			return nil, "", 0, err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				f.Remove()
			}
		}()
	}
	// Two buffers in turn: one is hashed while the next is read and
	// written.
	h := hashpipe.New()
	defer h.Close()
	bufs := [2][]byte{make([]byte, copyBufferSize), make([]byte, copyBufferSize)}
	for turn := 0; ; turn ^= 1 {
		if err := ctx.Err(); err != nil {
			return nil, "", n, err
		}
		buf := bufs[turn]
		nr, rerr := io.ReadFull(r, buf)
		if nr > 0 {
			if f != nil {
				if _, err := f.Write(buf[:nr]); err != nil {
					return nil, "", n, err
				}
			}
			h.Hand(buf[:nr])
			n += int64(nr)
			if progress != nil {
				progress(n)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return nil, "", n, rerr
		}
	}
	digest := h.Sum()
	if f == nil {
		return nil, hex.EncodeToString(digest[:]), n, nil
	}
	if err := f.Sync(); err != nil {
		return nil, "", n, err
	}
	return f, hex.EncodeToString(digest[:]), n, nil
}

// placeBlob gives the synced temporary file tmp its content address,
// read-only, unless a blob with that hash is already there. Two callers
// placing the same blob at once both succeed: the bytes are the same.
func (s *Store) placeBlob(tmp, sum string) error {
	dst := s.blobPath(sum)
	if s.Has(sum) {
		return nil
	}
	if err := os.Chmod(tmp, 0o444); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(dst))
}

// writeEntry creates the index entry of pkg, read-only, and refuses with
// an error matching fs.ErrExist when there is one: the final step is a
// hard link, which never replaces a file.
func (s *Store) writeEntry(pkg Package) error {
	path, err := s.entryPath(pkg.ID, pkg.Version)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(pkg); err != nil {
		return err
	}
	data := buf.Bytes()
	f, err := s.scratch.CreateTemp(s.path(tmpDir), "index-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer f.Remove()
	err = f.Chmod(0o444)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists: %w", path, fs.ErrExist)
		}
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}
