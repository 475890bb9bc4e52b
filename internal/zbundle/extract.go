package zbundle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
)

// ExtractOptions say what Extract may leave unwritten.
type ExtractOptions struct {
	// Skip, if set, names members not to write: their bytes are read,
	// hashed and checked against the manifest like every other, but not
	// stored. The importer skips the packages this Space already has.
	Skip func(name string) bool
	// Sink, if set, may give a member a writer of the caller's instead of
	// a file in dir (nil, nil for a file): the importer decompresses a
	// package sent compressed as it is read. The member is hashed and
	// checked all the same; Extract closes the writer, and a Close error
	// fails the extraction.
	Sink func(name string) (io.WriteCloser, error)
}

// Extract writes every member of the bundle into dir, which should be a
// new, empty directory (a temporary one, before anything is staged): the
// same layout `tar -xf` makes. m is the manifest, verified with
// OpenManifest from r.Manifest() and r.Signature(); Extract must be called
// right after NewReader.
//
// A member that m does not pin, or pins at another size, is refused before
// any of its bytes is written; a member whose bytes do not hash to what m
// pins is refused once it is written. At the end the members are held
// against m with Check. Extract returns every member with its size and
// SHA-256. After an error, what was written stays in dir for the caller to
// remove.
//
// Files are written through an os.Root on dir, so even a name that the
// reader's rules let through could not leave it. Nothing is synced: the
// caller that keeps a file syncs or copies it.
func (r *Reader) Extract(dir string, m *Manifest, opts ExtractOptions) ([]Member, error) {
	if r.cur != nil || r.done || len(r.members) != 2 {
		return nil, errors.New("extract bundle: Extract must be called right after NewReader")
	}
	if r.err != nil {
		return nil, r.err
	}
	if want := m.Created.UTC().Truncate(time.Second); !r.modTime().Equal(want) {
		return nil, r.fail(&CheckError{Member: ManifestName, Reason: fmt.Sprintf("its tar header is dated %s, but the manifest was created %s", r.modTime().UTC().Format(time.RFC3339), want.Format(time.RFC3339)), Err: ErrMalformed})
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("extract bundle: %w", err)
	}
	defer root.Close()

	for _, f := range []struct {
		name string
		data []byte
	}{{ManifestName, r.manifest}, {SignatureName, r.sig}} {
		if err := writeNew(root, f.name, bytes.NewReader(f.data)); err != nil {
			return nil, err
		}
	}

	pinned := map[string]Member{}
	for _, f := range m.Files() {
		pinned[f.Name] = f
	}
	madeDir := false
	for {
		name, size, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		want, ok := pinned[name]
		if !ok {
			return nil, r.fail(&CheckError{Member: name, Reason: "the manifest does not pin this file", Err: ErrExtra})
		}
		if size != want.Size {
			return nil, r.fail(sizeError(want, size))
		}
		w, err := destination(root, name, opts, &madeDir)
		if err != nil {
			return nil, err
		}
		_, err = io.Copy(w, readerOnly{r})
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		var refusal *CheckError
		if errors.As(err, &refusal) {
			return nil, err
		} else if err != nil {
			return nil, fmt.Errorf("extract bundle: %s: %w", name, err)
		}
		if err := checkPinned(want, r.members[len(r.members)-1]); err != nil {
			return nil, r.fail(err)
		}
	}
	members := r.Members()
	return members, Check(m, members)
}

// destination is where a member's bytes go: nowhere for a member the
// caller skips, the caller's writer for one it sinks, else a new file
// under root (making packages/ the first time).
func destination(root *os.Root, name string, opts ExtractOptions, madeDir *bool) (io.WriteCloser, error) {
	if opts.Skip != nil && opts.Skip(name) {
		return nopCloser{io.Discard}, nil
	}
	if opts.Sink != nil {
		w, err := opts.Sink(name)
		if err != nil {
			return nil, fmt.Errorf("extract bundle: %s: %w", name, err)
		}
		if w != nil {
			return w, nil
		}
	}
	if strings.HasPrefix(name, PackageDir) && !*madeDir {
		if err := root.Mkdir(strings.TrimSuffix(PackageDir, "/"), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("extract bundle: %w", err)
		}
		*madeDir = true
	}
	return createNew(root, name)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// createNew creates the file name under root, which must not exist.
func createNew(root *os.Root, name string) (*os.File, error) {
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("extract bundle: %w", err)
	}
	return f, nil
}

// writeNew creates the file name under root, which must not exist, and
// copies src into it.
func writeNew(root *os.Root, name string, src io.Reader) error {
	f, err := createNew(root, name)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, src)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("extract bundle: %w", cerr)
	}
	return err
}
