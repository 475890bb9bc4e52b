package zbundle

import (
	"errors"
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/internal/envelope"
)

// The names of a bundle's members.
const (
	ManifestName  = "manifest.json"
	SignatureName = "manifest.json.asc"
	GitBundleName = "release.bundle"
	// PackageDir holds package data, one file per SHA-256.
	PackageDir = "packages/"
)

// Limits on the members read into memory before anything is verified.
const (
	// MaxManifestSize is the largest manifest.json a reader accepts.
	MaxManifestSize = envelope.MaxSize
	// MaxSignatureSize is the largest manifest.json.asc a reader accepts.
	MaxSignatureSize = envelope.MaxSignatureSize
)

// PackagePath returns the member that holds the data whose SHA-256 is
// sum: "packages/<sum>".
func PackagePath(sum string) string { return PackageDir + sum }

// isMemberName reports whether a bundle may hold a member called name,
// whatever its manifest says.
func isMemberName(name string) bool {
	switch name {
	case ManifestName, SignatureName, GitBundleName:
		return true
	}
	sum, ok := strings.CutPrefix(name, PackageDir)
	return ok && len(sum) == 64 && isHex(sum, "0123456789abcdef")
}

// A Member is a file in a bundle: its name in the tar, its size, and the
// SHA-256 of its bytes in lower-case hex.
type Member struct {
	Name   string
	Size   int64
	SHA256 string
}

// Kinds of CheckError, for errors.Is.
var (
	ErrMalformed  = errors.New("malformed bundle")
	ErrTruncated  = errors.New("truncated bundle")
	ErrUnsafePath = errors.New("unsafe path")
	ErrNotRegular = errors.New("not a regular file")
	ErrExtra      = errors.New("file not pinned by the manifest")
	ErrDuplicate  = errors.New("duplicate member")
	ErrMissing    = errors.New("missing member")
	ErrSize       = errors.New("size mismatch")
	ErrHash       = errors.New("hash mismatch")
)

// A CheckError reports a bundle that is refused: not a well-formed
// .zbundle, or holding something other than exactly what its manifest
// pins. errors.Is(err, ErrHash) and the other Err values tell the kinds
// apart; the command line maps every CheckError to "verification failed".
type CheckError struct {
	Member string // the tar member, e.g. "packages/1f2e…"; empty for the tar as a whole
	Reason string // what is wrong, for people
	Err    error  // one of the Err values above, possibly wrapping a cause
}

func (e *CheckError) Error() string {
	if e.Member == "" {
		return "bundle: " + e.Reason
	}
	return fmt.Sprintf("bundle member %q: %s", e.Member, e.Reason)
}

func (e *CheckError) Unwrap() error { return e.Err }

// wrapKind returns an error that is both kind and cause for errors.Is.
func wrapKind(kind, cause error) error {
	if cause == nil {
		return kind
	}
	return fmt.Errorf("%w: %w", kind, cause)
}

// Check holds the members of a bundle, as Reader.Members or Reader.Extract
// return them, against its manifest m (which must be valid): every file in
// the tar is one the manifest pins, with the size and SHA-256 it pins, and
// nothing else is there. manifest.json and manifest.json.asc must be
// present; which bytes they hold is for OpenManifest to check. The first
// problem found is returned as a *CheckError.
func Check(m *Manifest, members []Member) error {
	pinned := map[string]Member{}
	for _, f := range m.Files() {
		pinned[f.Name] = f
	}
	seen := map[string]bool{}
	for _, mem := range members {
		if seen[mem.Name] {
			return &CheckError{Member: mem.Name, Reason: "appears twice in the tar", Err: ErrDuplicate}
		}
		seen[mem.Name] = true
		if mem.Name == ManifestName || mem.Name == SignatureName {
			continue
		}
		want, ok := pinned[mem.Name]
		if !ok {
			return &CheckError{Member: mem.Name, Reason: "the manifest does not pin this file", Err: ErrExtra}
		}
		if err := checkPinned(want, mem); err != nil {
			return err
		}
	}
	for _, name := range []string{ManifestName, SignatureName} {
		if !seen[name] {
			return &CheckError{Member: name, Reason: "missing from the bundle", Err: ErrMissing}
		}
	}
	for _, f := range m.Files() {
		if !seen[f.Name] {
			return &CheckError{Member: f.Name, Reason: "pinned by the manifest but missing from the bundle", Err: ErrMissing}
		}
	}
	return nil
}

// checkPinned checks a member's size and hash against what the manifest
// pins.
func checkPinned(want, got Member) error {
	if got.Size != want.Size {
		return sizeError(want, got.Size)
	}
	if got.SHA256 != want.SHA256 {
		return &CheckError{Member: got.Name, Reason: fmt.Sprintf("SHA-256 is %s; the manifest pins %s", got.SHA256, want.SHA256), Err: ErrHash}
	}
	return nil
}

func sizeError(want Member, got int64) error {
	return &CheckError{Member: want.Name, Reason: fmt.Sprintf("size is %d bytes; the manifest pins %d", got, want.Size), Err: ErrSize}
}
