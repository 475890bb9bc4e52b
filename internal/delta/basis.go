package delta

import (
	"crypto/sha256"
	"fmt"
	"io"
)

// Basis is the version a delta is made against and applied to.
type Basis struct {
	R    io.ReaderAt
	Size int64
	// SHA256, when set, is the basis's hash as the caller already knows
	// it, as a content-addressed store does: Encode and Apply then skip
	// the read that would hash it. A basis whose bytes do not have that
	// hash still cannot produce a wrong target, because Apply checks the
	// target's own SHA-256 at the end; the error is then about the target.
	SHA256 []byte
}

func (b Basis) check() error {
	switch {
	case b.Size < 0:
		return fmt.Errorf("delta: negative basis size %d", b.Size)
	case b.R == nil && b.Size > 0:
		return fmt.Errorf("delta: basis of %d bytes has no reader", b.Size)
	case b.SHA256 != nil && len(b.SHA256) != sha256.Size:
		return fmt.Errorf("delta: basis sha256 is %d bytes, want %d", len(b.SHA256), sha256.Size)
	}
	return nil
}
