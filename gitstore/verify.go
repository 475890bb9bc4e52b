package gitstore

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Verifier checks a commit's signature. payload is the commit without its
// signature headers, the bytes git verify-commit hands to GnuPG; signature
// is the armored signature from the commit's gpgsig header, empty when the
// commit is unsigned. The verifier alone decides what passes: a verifier
// that accepts nothing unsigned must reject an empty signature itself.
type Verifier interface {
	Verify(payload, signature []byte) error
}

// VerifyCommit loads commit h and passes its payload and signature to v.
// v's error is wrapped with the commit hash; errors.Is and errors.As see
// through to it.
func (r *Repo) VerifyCommit(h plumbing.Hash, v Verifier) error {
	if v == nil {
		return fmt.Errorf("verify commit %s: no verifier", h)
	}
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return fmt.Errorf("verify commit %s: %w", h, err)
	}
	payload, err := commitPayload(c)
	if err != nil {
		return fmt.Errorf("verify commit %s: %w", h, err)
	}
	if err := v.Verify(payload, []byte(c.PGPSignature)); err != nil {
		return fmt.Errorf("commit %s: %w", h, err)
	}
	return nil
}

// CommitPayload returns what a commit's signature signs: the commit as
// Git encodes it without its gpgsig header. A caller that verifies many
// commits at once (audit, on every core) reads them itself and verifies
// the payloads, rather than one by one with VerifyCommit.
func CommitPayload(c *object.Commit) ([]byte, error) {
	payload, err := commitPayload(c)
	if err != nil {
		return nil, fmt.Errorf("verify commit %s: %w", c.Hash, err)
	}
	return payload, nil
}
