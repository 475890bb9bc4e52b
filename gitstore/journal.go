package gitstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The journal is a transaction's intent, kept at <common dir>/zonectl/
// journal while the transaction holds Git lock files. It is written whole
// (a synced temporary file renamed into place), so a crash leaves the old
// journal, the new one, or none: never a torn one.
//
// A journal in state "prepared" lists the lock files the transaction is
// taking; none of its updates is published, and recovery removes those of
// the lock files that are the transaction's. Rewriting it in state
// "committed" is the transaction's one commit point: from then on every
// lock file it lists is the transaction's and holds its new value, and
// recovery finishes publishing them. Removing the journal ends the
// transaction. With a remote, the journal says "pushing" between the two
// while the push runs, and recovery asks the remote whether it landed
// (see remotepush.go).
const (
	journalDir  = "zonectl"
	journalName = "journal"
	scratchName = "tmp"

	statePrepared  = "prepared"
	statePushing   = "pushing"
	stateCommitted = "committed"

	journalVersion = 1
)

// journal is the on-disk record of one transaction.
type journal struct {
	Version int    `json:"version"`
	ID      string `json:"id"`
	State   string `json:"state"`
	// What says what the transaction does, for the line recovery prints.
	What    string          `json:"what"`
	Updates []journalUpdate `json:"updates"`
	// PackedRefs says that the transaction holds packed-refs.lock, to
	// remove the refs it deletes from packed-refs.
	PackedRefs bool `json:"packed_refs,omitempty"`
	// Checkout is set when the transaction moves the branch a work tree
	// has checked out; it holds that work tree's index.lock.
	Checkout *journalCheckout `json:"checkout,omitempty"`
	// After lists what the transaction changes outside Git once its refs
	// are published (see Tx.After).
	After []journalAfter `json:"after,omitempty"`
	// Remote and Push are the Space's remote and what the transaction
	// pushes to it, each ref leased against its Old value; in state
	// "pushing" the remote decides whether the transaction committed.
	Remote string          `json:"remote,omitempty"`
	Push   []journalUpdate `json:"push,omitempty"`
}

// journalAfter is one action to finish after the commit point: a kind
// the Repo has a handler for, and what the handler is given.
type journalAfter struct {
	Kind string          `json:"kind"`
	Data json.RawMessage `json:"data"`
}

// journalUpdate is one ref's compare-and-swap; a zero New deletes it.
type journalUpdate struct {
	Ref string `json:"ref"`
	Old string `json:"old"`
	New string `json:"new"`
}

// journalCheckout names the work tree whose files and index follow the
// moved branch. Its paths are relative to the common Git directory, so
// that a repository moved (or copied) whole between a crash and its
// recovery is recovered where it now is.
type journalCheckout struct {
	Root  string `json:"root"`
	Index string `json:"index"`
	Ref   string `json:"ref"`
}

// newCheckout is the journal's record of the work tree at root, whose
// index is index.
func (r *Repo) newCheckout(root, index, ref string) (*journalCheckout, error) {
	relRoot, err := filepath.Rel(r.commonDir, root)
	if err != nil {
		return nil, err
	}
	relIndex, err := filepath.Rel(r.commonDir, index)
	if err != nil {
		return nil, err
	}
	return &journalCheckout{Root: filepath.ToSlash(relRoot), Index: filepath.ToSlash(relIndex), Ref: ref}, nil
}

// root and index are the checkout's paths as they are now.
func (r *Repo) checkoutRoot(c *journalCheckout) string {
	return absJoin(r.commonDir, filepath.FromSlash(c.Root))
}

func (r *Repo) checkoutIndex(c *journalCheckout) string {
	return absJoin(r.commonDir, filepath.FromSlash(c.Index))
}

// deletes reports whether the transaction deletes a ref.
func (j *journal) deletes() bool {
	for _, u := range j.Updates {
		if isZeroHex(u.New) {
			return true
		}
	}
	return false
}

// marker is the content of the lock files the transaction takes for
// files other than refs (the index, packed-refs), and of the lock file of
// a ref it deletes: unique to the transaction, so that recovery removes
// only its own.
func (j *journal) marker() []byte { return []byte("zonectl transaction " + j.ID + "\n") }

// lockContent is what the lock file of u's ref holds: its new value, as
// git's lock files do, or the marker for a deletion.
func (j *journal) lockContent(u journalUpdate) []byte {
	if isZeroHex(u.New) {
		return j.marker()
	}
	return []byte(u.New + "\n")
}

func (r *Repo) journalPath() string { return filepath.Join(r.commonDir, journalDir, journalName) }

// scratchDir is where gitstore writes files before they take their names
// under the common Git directory; it is on the same filesystem.
func (r *Repo) scratchDir() string { return filepath.Join(r.commonDir, journalDir, scratchName) }

// writeJournal puts j in place whole and durably.
func (r *Repo) writeJournal(j *journal) error {
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	if err := replaceFile(r.scratchDir(), r.journalPath(), append(data, '\n'), 0o666); err != nil {
		return fmt.Errorf("transaction journal: %w", err)
	}
	return nil
}

// readJournal returns the journal of an interrupted transaction, or nil
// when there is none.
func (r *Repo) readJournal() (*journal, error) {
	data, err := os.ReadFile(r.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("transaction journal: %w", err)
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("transaction journal %q is unreadable (%v); it was not written by this zonectl: inspect it, then remove it", r.journalPath(), err)
	}
	switch {
	case j.Version != journalVersion:
		return nil, fmt.Errorf("transaction journal %q has version %d; this zonectl reads version %d: finish it with the zonectl that wrote it", r.journalPath(), j.Version, journalVersion)
	case j.State != statePrepared && j.State != statePushing && j.State != stateCommitted:
		return nil, fmt.Errorf("transaction journal %q is in unknown state %q", r.journalPath(), j.State)
	case j.Remote != "" && !remoteNameRE.MatchString(j.Remote):
		return nil, fmt.Errorf("transaction journal %q: malformed remote %q", r.journalPath(), j.Remote)
	}
	for _, u := range append(j.Updates, j.Push...) {
		if err := ValidateRefName(u.Ref); err != nil || !isHexHash(u.New) || !isHexHash(u.Old) {
			return nil, fmt.Errorf("transaction journal %q: malformed update of %q", r.journalPath(), u.Ref)
		}
	}
	return &j, nil
}

// removeJournal ends a transaction.
func (r *Repo) removeJournal() error {
	if err := os.Remove(r.journalPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("transaction journal: %w", err)
	}
	return syncDir(filepath.Dir(r.journalPath()))
}

func isZeroHex(s string) bool { return s == zeroHex }

const zeroHex = "0000000000000000000000000000000000000000"
