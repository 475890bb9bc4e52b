package gitstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
)

// ErrTxDone is returned by a Tx used after Commit or Rollback.
var ErrTxDone = errors.New("the transaction is over")

// Tx is one change to the Space: everything a command reads to decide, and
// every ref it moves, under the Space lock, published at one commit point.
//
// Objects (commits, trees, blobs, packs) are written durably as the
// transaction goes, before anything points at them; they stay unreachable
// until Commit. Ref updates are only recorded until Commit, which takes
// Git's lock file of every ref it moves (waiting while git holds one),
// checks each ref still holds the value the transaction read, and then
// writes the journal in state "committed": that rename is the commit
// point. A crash before it leaves every ref as it was; a crash after it is
// finished by the next zonectl command (see Recover). The branch a work
// tree has checked out moves with its files and index, under index.lock.
//
// A Tx is for one goroutine. Always call Rollback, deferred: after Commit
// it does nothing.
type Tx struct {
	r      *Repo
	ctx    context.Context
	j      journal
	unlock func() error
	read   map[string]plumbing.Hash // each ref's value when the transaction first read it
	next   map[string]plumbing.Hash // each moved ref's new value; zero deletes it
	index  *lockFile                // the work tree's index.lock, once LockWorkTree took it
	locks  []*lockFile
	logged bool // a journal was written, and Rollback must remove it
	done   bool
	// noPush and pushPending say what the commit pushes to the remote
	// (see NoPush, PushPending).
	noPush, pushPending bool
	// Recovered is what the transaction found interrupted and finished or
	// undid before it began, if anything.
	Recovered *Recovery
}

// Begin starts a transaction: it takes the Space lock, waiting for other
// zonectl processes until ctx ends, and first finishes or undoes a
// transaction that a crash interrupted. what says what the transaction is
// for ("accept acme-web 1.4.0"), in case a crash leaves it to recovery.
func (r *Repo) Begin(ctx context.Context, what string) (*Tx, error) {
	unlock, err := r.Lock(ctx)
	if err != nil {
		return nil, err
	}
	rec, err := r.recoverLocked(ctx)
	if err != nil {
		unlock()
		return nil, err
	}
	var id [8]byte
	rand.Read(id[:])
	return &Tx{
		r: r, ctx: ctx, unlock: unlock, Recovered: rec,
		j:    journal{Version: journalVersion, ID: hex.EncodeToString(id[:]), State: statePrepared, What: what},
		read: map[string]plumbing.Hash{}, next: map[string]plumbing.Hash{},
	}, nil
}

// Repo returns the repository the transaction changes.
func (t *Tx) Repo() *Repo { return t.r }

// Ref returns what the ref name holds as the transaction sees it: the
// value it set, else the value in the repository, read once and then
// remembered as the value Commit expects to replace.
func (t *Tx) Ref(name string) (plumbing.Hash, bool, error) {
	if t.done {
		return plumbing.ZeroHash, false, ErrTxDone
	}
	if h, ok := t.next[name]; ok {
		return h, !h.IsZero(), nil
	}
	if h, ok := t.read[name]; ok {
		return h, !h.IsZero(), nil
	}
	if err := ValidateRefName(name); err != nil {
		return plumbing.ZeroHash, false, err
	}
	v, err := t.r.readRef(name)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	if v.symbolic != "" {
		return plumbing.ZeroHash, false, fmt.Errorf("ref %q is a symbolic ref to %q; zonectl moves %q itself", name, v.symbolic, v.symbolic)
	}
	t.read[name] = v.hash
	return v.hash, v.exists, nil
}

// Update sets the ref name to newHash at Commit, if it then still holds
// oldHash (zero: it must not exist). newHash must name an object written
// already.
func (t *Tx) Update(name string, newHash, oldHash plumbing.Hash) error {
	if newHash.IsZero() {
		return fmt.Errorf("ref %q: the new value is the zero hash (use Delete to delete a ref)", name)
	}
	if err := t.r.repo.Storer.HasEncodedObject(newHash); err != nil {
		return fmt.Errorf("ref %q: new value %s: %w", name, newHash, err)
	}
	return t.set(name, newHash, oldHash)
}

// Delete deletes the ref name at Commit, if it then still holds oldHash.
func (t *Tx) Delete(name string, oldHash plumbing.Hash) error {
	if oldHash.IsZero() {
		return fmt.Errorf("ref %q: deleting needs the value the ref is expected to hold", name)
	}
	return t.set(name, plumbing.ZeroHash, oldHash)
}

// set records name's move from oldHash, checking it against what the
// transaction has read or set.
func (t *Tx) set(name string, newHash, oldHash plumbing.Hash) error {
	cur, _, err := t.Ref(name)
	if err != nil {
		return err
	}
	if cur != oldHash {
		return &RefConflictError{Ref: name, Expected: oldHash, Actual: cur}
	}
	t.next[name] = newHash
	return nil
}

// WriteCommit writes a signed commit on opts.Ref, whose first parent is
// the ref's tip as the transaction sees it, and moves the ref to it at
// Commit.
func (t *Tx) WriteCommit(opts CommitOptions) (plumbing.Hash, error) {
	if err := opts.Validate(); err != nil {
		return plumbing.ZeroHash, err
	}
	tip, exists, err := t.Ref(opts.Ref)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := t.r.writeCommit(opts, tip, exists)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	t.next[opts.Ref] = h
	return h, nil
}

// An AfterFunc finishes what a transaction changes outside Git, once its
// refs are published: it is given the data the transaction recorded, and
// must be safe to run again, since a crash during it is finished by the
// next zonectl command running it again.
type AfterFunc func(data []byte) error

// HandleAfter names the function that carries out actions of kind (see
// Tx.After). A program registers its handlers as it opens the Space, so
// that recovery can finish what an interrupted transaction left.
func (r *Repo) HandleAfter(kind string, f AfterFunc) {
	r.afterMu.Lock()
	defer r.afterMu.Unlock()
	if r.after == nil {
		r.after = map[string]AfterFunc{}
	}
	r.after[kind] = f
}

func (r *Repo) afterFunc(kind string) AfterFunc {
	r.afterMu.Lock()
	defer r.afterMu.Unlock()
	return r.after[kind]
}

// After records an action that the transaction takes outside Git (say,
// naming imported packages in the package store), carried out by the
// handler of kind after the refs are published, and by recovery if a
// crash comes first: a crash never leaves the refs published without it,
// nor it done without the refs. data is what the handler is given, as
// JSON.
func (t *Tx) After(kind string, data any) error {
	if t.done {
		return ErrTxDone
	}
	if t.r.afterFunc(kind) == nil {
		return fmt.Errorf("transaction: nothing handles %q actions", kind)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	t.j.After = append(t.j.After, journalAfter{Kind: kind, Data: raw})
	return nil
}

// LockWorkTree takes the index.lock of the work tree if it has a branch
// checked out, before the transaction reads that branch: git commit, git
// add and git checkout then wait, or fail, rather than commit from an
// index that is about to be stale. It returns the branch (empty when HEAD
// is detached). When the transaction moves that branch, Commit updates
// the work tree's files and the index to match.
func (t *Tx) LockWorkTree() (string, error) {
	if t.done {
		return "", ErrTxDone
	}
	branch, err := t.r.HeadBranch()
	if err != nil || branch == "" || t.index != nil {
		return branch, err
	}
	index := filepath.Join(t.r.gitDir, "index")
	if t.j.Checkout, err = t.r.newCheckout(t.r.root, index, branch); err != nil {
		return "", err
	}
	if err := t.writeJournal(); err != nil {
		return "", err
	}
	l, err := takeLockFile(t.ctx, t.r.scratchDir(), index, t.j.marker())
	if err != nil {
		return "", fmt.Errorf("lock the index: %w", err)
	}
	t.index = l
	return branch, nil
}

// Commit publishes the transaction: every ref it moved, at once, and the
// work tree if it moved the branch checked out there. On an error before
// the commit point nothing is published and the error says why (a
// *RefConflictError when git moved a ref meanwhile); an error after it
// leaves the rest to the next zonectl command, which finishes it.
func (t *Tx) Commit() error {
	if t.done {
		return ErrTxDone
	}
	defer t.Rollback()
	if t.r.remote != "" && !t.noPush {
		if err := t.planPush(); err != nil {
			return err
		}
	}
	t.j.Updates = t.updates()
	if len(t.j.Updates) == 0 && len(t.j.After) == 0 {
		return nil
	}
	if t.index != nil && t.next[t.j.Checkout.Ref].IsZero() {
		// The branch checked out does not move: nothing to check out, and
		// the index is git's again.
		t.index.release()
		t.index, t.j.Checkout = nil, nil
	}
	t.j.PackedRefs = t.j.deletes()
	if err := t.prepare(); err != nil {
		return err
	}
	if len(t.j.Push) > 0 {
		if err := t.push(); err != nil {
			return err
		}
	}
	t.j.State = stateCommitted
	if err := t.r.writeJournal(&t.j); err != nil {
		return err
	}
	t.done = true
	t.locks, t.index = nil, nil // the journal owns them now
	if err := t.r.publish(&t.j); err != nil {
		return fmt.Errorf("%s: committed, but not finished (the next zonectl command finishes it): %w", t.j.What, err)
	}
	return nil
}

// updates lists the refs the transaction moves, in name order (the order
// lock files are taken in, as git takes them).
func (t *Tx) updates() []journalUpdate {
	var out []journalUpdate
	for name, h := range t.next {
		if h == t.read[name] {
			continue
		}
		out = append(out, journalUpdate{Ref: name, Old: t.read[name].String(), New: h.String()})
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Ref < out[k].Ref })
	return out
}

// prepare writes the prepared journal, takes every lock file and checks
// every ref against what the transaction read.
func (t *Tx) prepare() error {
	if err := t.writeJournal(); err != nil {
		return err
	}
	for _, u := range t.j.Updates {
		p := t.r.refPath(u.Ref)
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			if other := t.r.looseRefAbove(u.Ref); other != "" {
				return fmt.Errorf("ref %q: conflicts with existing ref %q", u.Ref, other)
			}
			return fmt.Errorf("ref %q: %w", u.Ref, err)
		}
		l, err := takeLockFile(t.ctx, t.r.scratchDir(), p, t.j.lockContent(u))
		if err != nil {
			return fmt.Errorf("ref %q: %w", u.Ref, err)
		}
		t.locks = append(t.locks, l)
	}
	if t.j.PackedRefs {
		l, err := takeLockFile(t.ctx, t.r.scratchDir(), filepath.Join(t.r.commonDir, packedRefsName), t.j.marker())
		if err != nil {
			return fmt.Errorf("packed-refs: %w", err)
		}
		t.locks = append(t.locks, l)
	}
	for _, u := range t.j.Updates {
		if err := t.r.checkUpdate(u); err != nil {
			return err
		}
	}
	return t.ctx.Err()
}

// checkUpdate checks, holding the ref's lock file, that the ref holds
// what the transaction read and that a new ref clashes with none.
func (r *Repo) checkUpdate(u journalUpdate) error {
	cur, err := r.readRef(u.Ref)
	if err != nil {
		return err
	}
	if cur.symbolic != "" {
		return fmt.Errorf("ref %q is a symbolic ref to %q; update %q instead", u.Ref, cur.symbolic, cur.symbolic)
	}
	if old := plumbing.NewHash(u.Old); cur.hash != old {
		return &RefConflictError{Ref: u.Ref, Expected: old, Actual: cur.hash}
	}
	if isZeroHex(u.New) {
		return nil
	}
	// The object is read again under the lock: a git prune --expire=now
	// run since it was written would otherwise leave the ref pointing at
	// nothing.
	if err := r.repo.Storer.HasEncodedObject(plumbing.NewHash(u.New)); err != nil {
		return fmt.Errorf("ref %q: object %s, written by this command, is gone (did git prune run meanwhile?): %w", u.Ref, u.New, err)
	}
	if !cur.exists {
		return r.checkRefNameFree(u.Ref)
	}
	return nil
}

// writeJournal writes the transaction's journal as it stands.
func (t *Tx) writeJournal() error {
	t.logged = true
	return t.r.writeJournal(&t.j)
}

// Rollback ends a transaction that was not committed: the lock files it
// took are removed, its journal too, and the Space lock is released.
// Objects it wrote stay, unreachable, for git gc. After Commit it only
// releases the Space lock.
func (t *Tx) Rollback() error {
	if t.unlock == nil {
		return nil
	}
	var err error
	if !t.done {
		t.done = true
		for _, l := range t.locks {
			l.release()
		}
		t.index.release()
		if t.logged {
			err = t.r.removeJournal()
		}
	}
	unlock := t.unlock
	t.unlock = nil
	return errors.Join(err, unlock())
}
