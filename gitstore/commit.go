package gitstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Signer signs commits. Sign returns an ASCII-armored detached OpenPGP
// signature ("-----BEGIN PGP SIGNATURE-----" ...) over payload, the commit
// exactly as git verify-commit will hand it to GnuPG.
type Signer interface {
	Sign(payload []byte) ([]byte, error)
}

// CommitOptions describes a signed commit on a ref.
type CommitOptions struct {
	// Ref is the full name of the ref the commit goes on, such as
	// refs/zonectl/ledger. Its current tip, if any, is the first parent.
	Ref string
	// Tree is the commit's tree, usually from WriteTree.
	Tree plumbing.Hash
	// ExtraParents follow the tip as further parents, for merge commits.
	ExtraParents []plumbing.Hash
	// Message is the commit message; a final newline is added if missing.
	Message string
	// Author is both author and committer. A zero When means now.
	Author object.Signature
	// Signer signs the commit.
	Signer Signer
}

// Validate checks the options that need no repository: a valid ref name, a
// tree, a message, an author name (and no "<", ">" or newline in the name
// or email, which would corrupt the commit header), and a signer.
func (o *CommitOptions) Validate() error {
	if err := ValidateRefName(o.Ref); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if o.Tree.IsZero() {
		return fmt.Errorf("commit on %q: no tree", o.Ref)
	}
	if strings.TrimSpace(o.Message) == "" {
		return fmt.Errorf("commit on %q: empty message", o.Ref)
	}
	if strings.TrimSpace(o.Author.Name) == "" {
		return fmt.Errorf("commit on %q: no author name", o.Ref)
	}
	for _, s := range []string{o.Author.Name, o.Author.Email} {
		if strings.ContainsAny(s, "<>\n\x00") {
			return fmt.Errorf("commit on %q: author %q contains \"<\", \">\", a newline or a NUL byte", o.Ref, s)
		}
	}
	if o.Signer == nil {
		return fmt.Errorf("commit on %q: no signer", o.Ref)
	}
	return nil
}

// Commit writes a signed commit on opts.Ref and moves the ref to it, in a
// transaction of its own (see Tx): zonectl processes committing on the
// same ref take turns instead of failing, and an update made meanwhile by
// anything else (stock git included) is reported as a *RefConflictError,
// never overwritten. A command that moves more than one ref uses one Tx
// for all of them instead.
func (r *Repo) Commit(ctx context.Context, opts CommitOptions) (h plumbing.Hash, err error) {
	if err := opts.Validate(); err != nil {
		return plumbing.ZeroHash, err
	}
	tx, err := r.Begin(ctx, "commit on "+opts.Ref)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit on %q: %w", opts.Ref, err)
	}
	defer tx.Rollback()
	if h, err = tx.WriteCommit(opts); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := tx.Commit(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit %s on %q: %w", h, opts.Ref, err)
	}
	return h, nil
}

// WriteCommit writes a signed commit whose first parent is parent (none
// when zero), durably, and moves no ref: it stays unreachable until a
// transaction points a ref at it. opts.Ref only names the commit in
// errors.
func (r *Repo) WriteCommit(opts CommitOptions, parent plumbing.Hash) (plumbing.Hash, error) {
	if err := opts.Validate(); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.writeCommit(opts, parent, !parent.IsZero())
}

// writeCommit writes the signed commit of opts whose first parent is tip
// (none when the ref does not exist), durably, and moves no ref.
func (r *Repo) writeCommit(opts CommitOptions, tip plumbing.Hash, exists bool) (plumbing.Hash, error) {
	c, err := r.newCommit(opts, tip, exists)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	payload, err := commitPayload(c)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit on %q: %w", opts.Ref, err)
	}
	sig, err := opts.Signer.Sign(payload)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit on %q: sign: %w", opts.Ref, err)
	}
	if err := checkArmoredSignature(sig); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit on %q: sign: %w", opts.Ref, err)
	}
	c.PGPSignature = strings.TrimRight(string(sig), "\n") + "\n"
	o := r.repo.Storer.NewEncodedObject()
	if err := c.Encode(o); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit on %q: encode: %w", opts.Ref, err)
	}
	h, err := r.storeObject(o)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit on %q: %w", opts.Ref, err)
	}
	return h, nil
}

// newCommit builds the unsigned commit, checking that the tree and the
// parents exist and are what they claim to be.
func (r *Repo) newCommit(opts CommitOptions, tip plumbing.Hash, exists bool) (*object.Commit, error) {
	if _, err := r.repo.TreeObject(opts.Tree); err != nil {
		return nil, fmt.Errorf("commit on %q: tree %s: %w", opts.Ref, opts.Tree, err)
	}
	var parents []plumbing.Hash
	if exists {
		if _, err := r.repo.CommitObject(tip); err != nil {
			return nil, fmt.Errorf("commit on %q: tip %s: %w", opts.Ref, tip, err)
		}
		parents = append(parents, tip)
	}
	for _, p := range opts.ExtraParents {
		for _, q := range parents {
			if p == q {
				return nil, fmt.Errorf("commit on %q: parent %s given twice", opts.Ref, p)
			}
		}
		if _, err := r.repo.CommitObject(p); err != nil {
			return nil, fmt.Errorf("commit on %q: parent %s: %w", opts.Ref, p, err)
		}
		parents = append(parents, p)
	}
	author := opts.Author
	if author.When.IsZero() {
		author.When = time.Now()
	}
	msg := opts.Message
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	return &object.Commit{
		Author:       author,
		Committer:    author,
		Message:      msg,
		TreeHash:     opts.Tree,
		ParentHashes: parents,
	}, nil
}

// commitPayload returns the bytes a commit's signature covers: the commit
// object without its signature headers.
func commitPayload(c *object.Commit) ([]byte, error) {
	o := &plumbing.MemoryObject{}
	if err := c.EncodeWithoutSignature(o); err != nil {
		return nil, err
	}
	rd, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// checkArmoredSignature makes sure sig is armored and can go in a gpgsig
// header as git writes it (each line indented by one space) and come back
// out unchanged.
func checkArmoredSignature(sig []byte) error {
	const begin = "-----BEGIN PGP SIGNATURE-----"
	switch {
	case !bytes.HasPrefix(sig, []byte(begin)):
		return errors.New("the signer returned no ASCII-armored OpenPGP signature")
	case bytes.ContainsAny(sig, "\r\x00"):
		return errors.New("the signer's signature contains a carriage return or NUL byte")
	}
	return nil
}
