package bundle

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// ErrUnsupported is wrapped by the errors for bundles that are well formed
// but use what this package does not support: a bundle version other than 2
// and 3, a SHA-256 object format, a filter (a partial bundle) or another
// capability. errors.Is tells them apart from corrupt bundles.
var ErrUnsupported = errors.New("unsupported bundle feature")

// HeaderError reports a bundle header that cannot be read: a line that is
// malformed or not allowed where it is, or a feature that is not supported.
type HeaderError struct {
	Line int    // 1-based line of the header, 0 when the header as a whole is wrong
	Msg  string // what is wrong
	Err  error  // ErrUnsupported or nil
}

func (e *HeaderError) Error() string {
	if e.Line == 0 {
		return "bundle header: " + e.Msg
	}
	return fmt.Sprintf("bundle header line %d: %s", e.Line, e.Msg)
}

func (e *HeaderError) Unwrap() error { return e.Err }

// MissingPrerequisiteError reports prerequisite commits of a bundle that the
// repository does not have. Nothing is stored when it is returned: fetch the
// missing history first, or ask the sender for a bundle with fewer
// prerequisites.
type MissingPrerequisiteError struct {
	Hashes []plumbing.Hash
}

func (e *MissingPrerequisiteError) Error() string {
	ids := make([]string, len(e.Hashes))
	for i, h := range e.Hashes {
		ids[i] = h.String()
	}
	noun := "commit"
	if len(ids) != 1 {
		noun = "commits"
	}
	return fmt.Sprintf("the repository lacks %d prerequisite %s of the bundle: %s",
		len(ids), noun, strings.Join(ids, ", "))
}

// PackError reports a bundle whose pack is corrupt or incomplete: a bad
// checksum, a malformed entry, a delta whose base is neither in the pack nor
// in the repository, or a reference whose objects are not all there.
type PackError struct {
	Msg string
	Err error // the underlying error, if any
}

func (e *PackError) Error() string {
	if e.Err == nil {
		return "bundle pack: " + e.Msg
	}
	return fmt.Sprintf("bundle pack: %s: %v", e.Msg, e.Err)
}

func (e *PackError) Unwrap() error { return e.Err }

func packErrorf(err error, format string, args ...any) *PackError {
	return &PackError{Msg: fmt.Sprintf(format, args...), Err: err}
}
