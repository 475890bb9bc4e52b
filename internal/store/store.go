package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/scratch"
)

// EnvDir names the environment variable that overrides where a Space's
// store is.
const EnvDir = "ZONECTL_STORE"

// DefaultDir is where the store of the Space rooted at spaceRoot lives:
// $ZONECTL_STORE when it names a directory, else .zonectl/store in the
// Space's work tree, which zonectl init's .gitignore keeps out of Git.
// When $ZONECTL_STORE is a url (oci://, oci+http://) the store is on a
// registry and this directory is the clone's cache of it.
func DefaultDir(spaceRoot string) string {
	if dir := os.Getenv(EnvDir); dir != "" && !strings.HasPrefix(dir, "oci://") && !strings.HasPrefix(dir, "oci+http://") {
		return dir
	}
	return filepath.Join(spaceRoot, ".zonectl", "store")
}

// Store is a package store in a directory. A Store is safe for use by
// several goroutines, and several processes may use one directory at once.
type Store struct {
	dir string
	// scratch is locked on dir: its entries are the files under tmp/
	// and those named .<purpose>-<random> in dir (TempDir, TempFile).
	scratch *scratch.Area
}

// Open returns the store in dir. Nothing is created until the first
// write; a store that does not exist yet lists as empty.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("no directory given for the package store")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("package store %s: %w", dir, err)
	}
	if info, err := os.Stat(abs); err == nil && !info.IsDir() {
		return nil, fmt.Errorf("package store %s is not a directory", abs)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("package store %s: %w", abs, err)
	}
	return &Store{dir: abs, scratch: scratch.New(abs)}, nil
}

// Dir is the store's directory, absolute.
func (s *Store) Dir() string { return s.dir }

const (
	blobsDir = "blobs/sha256"
	indexDir = "index"
	tmpDir   = "tmp"
)

func (s *Store) path(rel ...string) string {
	return filepath.Join(append([]string{s.dir}, rel...)...)
}

func (s *Store) blobPath(sum string) string {
	return s.path(filepath.FromSlash(blobsDir), sum[:2], sum)
}

// storeGitignore keeps the store out of Git even in a Space whose own
// .gitignore does not mention it, or when ZONECTL_STORE puts it elsewhere
// inside a work tree.
const storeGitignore = "# zonectl's package store: package bytes never live in Git.\n*\n"

// prepare creates the store's layout if it is missing.
func (s *Store) prepare() error {
	for _, d := range []string{tmpDir, blobsDir, indexDir} {
		if err := os.MkdirAll(s.path(filepath.FromSlash(d)), 0o755); err != nil {
			return fmt.Errorf("create the package store: %w", err)
		}
	}
	f, err := os.OpenFile(s.path(".gitignore"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create the package store: %w", err)
	}
	_, err = f.WriteString(storeGitignore)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Has reports whether the store holds the blob whose SHA-256 is sum.
func (s *Store) Has(sum string) bool {
	if names.CheckSHA256(sum) != nil {
		return false
	}
	info, err := os.Stat(s.blobPath(sum))
	return err == nil && info.Mode().IsRegular()
}

// Open opens the blob whose SHA-256 is sum for reading. A missing blob is
// an error matching ErrNotFound.
func (s *Store) Open(sum string) (io.ReadCloser, error) {
	if err := names.CheckSHA256(sum); err != nil {
		return nil, err
	}
	f, err := os.Open(s.blobPath(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &notFoundError{what: "blob sha256 " + sum}
	}
	return f, err
}

// BlobPath returns the file holding the blob whose SHA-256 is sum, for a
// reader that needs a path (extracting an archive reads it twice). The
// file is read-only; a missing blob is an error matching ErrNotFound.
func (s *Store) BlobPath(sum string) (string, error) {
	if err := names.CheckSHA256(sum); err != nil {
		return "", err
	}
	if !s.Has(sum) {
		return "", &notFoundError{what: "blob sha256 " + sum}
	}
	return s.blobPath(sum), nil
}

// Verify re-hashes the blob of pkg and checks its SHA-256 and size
// against pkg's, returning an *IntegrityError when they differ.
func (s *Store) Verify(pkg Package) error {
	r, err := s.Open(pkg.SHA256)
	if err != nil {
		return fmt.Errorf("verify %s: %w", pkg, err)
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, r, make([]byte, copyBufferSize))
	if err != nil {
		return fmt.Errorf("verify %s: %w", pkg, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != pkg.SHA256 || n != pkg.Size {
		return &IntegrityError{What: pkg.String(), WantSHA256: pkg.SHA256, SHA256: sum, WantSize: pkg.Size, Size: n}
	}
	return nil
}
