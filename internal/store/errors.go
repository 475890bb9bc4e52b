package store

import (
	"errors"
	"fmt"
	"io/fs"
)

// ErrNotFound is what Get, Latest and Open return, wrapped, for a package
// or blob the store does not hold. errors.Is also matches such an error
// with fs.ErrNotExist.
var ErrNotFound = errors.New("not in the package store")

type notFoundError struct{ what string }

func (e *notFoundError) Error() string { return e.what + " is not in the package store" }

func (e *notFoundError) Is(target error) bool {
	return target == ErrNotFound || target == fs.ErrNotExist
}

// ConflictError refuses a push of an ID and version that the store already
// holds with other bytes. The store is left as it was.
type ConflictError struct {
	ID, Version string // as pushed
	Stored      Package
	SHA256      string // of the bytes pushed
	Size        int64
}

func (e *ConflictError) Error() string {
	as := ""
	if e.Stored.ID != e.ID || e.Stored.Version != e.Version {
		as = fmt.Sprintf(" (as %s %s)", e.Stored.ID, e.Stored.Version)
	}
	return fmt.Sprintf("%s %s is already in the store%s with different bytes: stored sha256 %s (%d bytes), pushed sha256 %s (%d bytes)",
		e.ID, e.Version, as, e.Stored.SHA256, e.Stored.Size, e.SHA256, e.Size)
}

// IntegrityError reports bytes that are not what they were said to be: a
// blob given to PutBlob, or one re-hashed by Verify, whose SHA-256 or size
// differs from the expected one. Callers that verify untrusted input map it
// to a verification failure.
type IntegrityError struct {
	What       string // e.g. "blob sha256 3f2a…" or "acme-web 1.4.0"
	WantSHA256 string
	SHA256     string // of the bytes found; empty when they were refused on their size alone
	WantSize   int64
	Size       int64 // of the bytes found; WantSize+1 when there were more than WantSize
}

func (e *IntegrityError) Error() string {
	if e.SHA256 == "" { // refused on size alone, before the hash was worth comparing
		if e.Size > e.WantSize {
			return fmt.Sprintf("%s: longer than the %d bytes expected", e.What, e.WantSize)
		}
		return fmt.Sprintf("%s: %d bytes, want %d", e.What, e.Size, e.WantSize)
	}
	if e.Size != e.WantSize {
		return fmt.Sprintf("%s: sha256 %s (%d bytes), want %s (%d bytes)", e.What, e.SHA256, e.Size, e.WantSHA256, e.WantSize)
	}
	return fmt.Sprintf("%s: sha256 %s, want %s", e.What, e.SHA256, e.WantSHA256)
}
