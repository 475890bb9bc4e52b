package gitstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
)

// Recovery says what became of a transaction that a crash interrupted.
type Recovery struct {
	// What is what the transaction was for.
	What string
	// Finished is true when it had passed its commit point and was
	// finished; false when it had not and was undone.
	Finished bool
	// Refs counts the refs it moves.
	Refs int
}

func (rc *Recovery) String() string {
	if rc.Finished {
		return fmt.Sprintf("finished an interrupted transaction (%s): %d ref(s) published", rc.What, rc.Refs)
	}
	return fmt.Sprintf("undid an interrupted transaction (%s): nothing of it had been published", rc.What)
}

// Recover finishes or undoes a transaction that a crash interrupted, if
// there is one, under the Space lock; it returns nil when there was none,
// or when the transaction is still running in another process (the lock
// is held). Every Begin does the same, waiting for the lock; zonectl calls
// Recover as it opens a Space so that read-only commands see the Space
// whole too.
func (r *Repo) Recover(ctx context.Context) (*Recovery, error) {
	_, err := os.Lstat(r.journalPath())
	if errors.Is(err, fs.ErrNotExist) && !r.scratchLeft() {
		return nil, nil
	}
	// A journal whose Space lock is held belongs to a transaction that is
	// running: it is not this command's to finish, and a read need not
	// wait for it (a git hook running zonectl validate while accept holds
	// the index would otherwise wait for accept, which waits for git).
	unlock, err := r.Lock(alreadyDone(ctx))
	if errors.Is(err, errWouldBlock) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rec, err := r.recoverLocked(ctx)
	return rec, errors.Join(err, unlock())
}

// alreadyDone is a context that is done already, for a lock taken only if
// it is free: the lock is tried once and not waited for.
func alreadyDone(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	return ctx
}

// Pending returns what an interrupted transaction was for, without
// touching it, for read-only checks such as audit; empty when there is
// none.
func (r *Repo) Pending() (string, error) {
	j, err := r.readJournal()
	if err != nil || j == nil {
		return "", err
	}
	return fmt.Sprintf("%s (%s, %d ref(s))", j.What, j.State, len(j.Updates)), nil
}

// scratchLeft reports whether gitstore's scratch directory holds files,
// which only a transaction that was killed leaves.
func (r *Repo) scratchLeft() bool {
	entries, _ := os.ReadDir(r.scratchDir())
	return len(entries) > 0
}

// recoverLocked is Recover for a caller holding the Space lock. The
// scratch directory is emptied too: only a holder of the Space lock
// writes there, so what is left is a dead transaction's.
func (r *Repo) recoverLocked(ctx context.Context) (*Recovery, error) {
	if entries, _ := os.ReadDir(r.scratchDir()); len(entries) > 0 {
		for _, e := range entries {
			os.RemoveAll(filepath.Join(r.scratchDir(), e.Name()))
		}
	}
	j, err := r.readJournal()
	if err != nil || j == nil {
		return nil, err
	}
	if j.State == statePushing {
		landed, err := r.pushLanded(ctx, j)
		if err != nil {
			return nil, &UnresolvedPushError{What: j.What, Remote: j.Remote, Err: err}
		}
		if landed {
			j.State = stateCommitted
			if err := r.writeJournal(j); err != nil {
				return nil, err
			}
		} else if err := r.keepOrphan(j); err != nil {
			return nil, err
		}
	}
	rec := &Recovery{What: j.What, Refs: len(j.Updates), Finished: j.State == stateCommitted}
	if rec.Finished {
		err = r.publish(j)
	} else {
		err = r.undo(j)
	}
	if err != nil {
		return nil, fmt.Errorf("recover the interrupted transaction (%s): %w", j.What, err)
	}
	return rec, nil
}

// undo removes the lock files of a transaction that never reached its
// commit point, and its journal. A lock file it names is removed only if
// it holds what the transaction would have put there.
func (r *Repo) undo(j *journal) error {
	for _, u := range j.Updates {
		removeIfOurs(r.refPath(u.Ref)+".lock", j.lockContent(u))
	}
	if j.PackedRefs {
		removeIfOurs(filepath.Join(r.commonDir, packedRefsName)+".lock", j.marker())
	}
	if j.Checkout != nil {
		removeIfOurs(r.checkoutIndex(j.Checkout)+".lock", j.marker())
	}
	return r.removeJournal()
}

// publish carries out a committed journal: every ref whose lock file is
// still the transaction's takes its new value, deleted refs leave
// packed-refs and their loose files, the work tree follows its branch, and
// the journal goes. Each step is undone by nothing and can be done again,
// so a crash during publish is finished by the next one.
func (r *Repo) publish(j *journal) error {
	// The work tree and the index move first, under index.lock, and the
	// branch after them: git commit reads HEAD, then the index without
	// taking index.lock, so a branch moved before its index would let a
	// commit on top of it take the old index's tree and undo the change.
	c := j.Checkout
	if c != nil && !lockIsOurs(r.checkoutIndex(c)+".lock", j.marker()) {
		c = nil // done before a crash
	}
	if c != nil {
		if err := r.checkout(c, j.Updates); err != nil {
			return err
		}
	}
	for _, u := range j.Updates {
		if isZeroHex(u.New) {
			continue
		}
		l := &lockFile{target: r.refPath(u.Ref), path: r.refPath(u.Ref) + ".lock", held: true}
		if lockIsOurs(l.path, j.lockContent(u)) {
			if err := l.commitRename(); err != nil {
				return fmt.Errorf("ref %q: %w", u.Ref, err)
			}
		}
	}
	if err := r.publishDeletes(j); err != nil {
		return err
	}
	if c != nil {
		if err := os.Remove(r.checkoutIndex(c) + ".lock"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	for _, a := range j.After {
		f := r.afterFunc(a.Kind)
		if f == nil {
			return fmt.Errorf("no handler for its %q action: finish it with the zonectl that started it", a.Kind)
		}
		if err := f(a.Data); err != nil {
			return fmt.Errorf("%s: %w", a.Kind, err)
		}
	}
	return r.removeJournal()
}

// publishDeletes removes the refs the journal deletes: from packed-refs
// first, then their loose files, then their lock files, as git does, so
// that a crash between never brings back an older packed value.
func (r *Repo) publishDeletes(j *journal) error {
	if !j.PackedRefs {
		return nil
	}
	packedPath := filepath.Join(r.commonDir, packedRefsName)
	if lockIsOurs(packedPath+".lock", j.marker()) {
		packed, err := readPackedRefs(packedPath)
		if err != nil {
			return err
		}
		for _, u := range j.Updates {
			if isZeroHex(u.New) {
				packed = packed.dropped(u.Ref)
			}
		}
		if err := replaceFile(r.scratchDir(), packedPath, packed.bytes(), 0o666); err != nil {
			return err
		}
		if err := os.Remove(packedPath + ".lock"); err != nil {
			return err
		}
	}
	for _, u := range j.Updates {
		if !isZeroHex(u.New) {
			continue
		}
		p := r.refPath(u.Ref)
		if !lockIsOurs(p+".lock", j.marker()) {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("ref %q: %w", u.Ref, err)
		}
		if err := os.Remove(p + ".lock"); err != nil {
			return fmt.Errorf("ref %q: %w", u.Ref, err)
		}
		if err := syncDir(filepath.Dir(p)); err != nil {
			return fmt.Errorf("ref %q: %w", u.Ref, err)
		}
	}
	return nil
}

// checkout moves the work tree of c from its branch's old commit to the
// new one, then writes the index. index.lock stays: publish removes it
// once the branch has moved.
func (r *Repo) checkout(c *journalCheckout, updates []journalUpdate) error {
	root, index := r.checkoutRoot(c), r.checkoutIndex(c)
	for _, u := range updates {
		if u.Ref != c.Ref {
			continue
		}
		if err := r.checkoutFiles(root, plumbing.NewHash(u.Old), plumbing.NewHash(u.New)); err != nil {
			return fmt.Errorf("update the work tree %q: %w", root, err)
		}
		data, err := r.indexFor(root, plumbing.NewHash(u.New))
		if err != nil {
			return fmt.Errorf("update the index: %w", err)
		}
		if err := replaceFile(r.scratchDir(), index, data, 0o666); err != nil {
			return fmt.Errorf("update the index: %w", err)
		}
	}
	return nil
}

// removeIfOurs removes the lock file at path if it holds content.
func removeIfOurs(path string, content []byte) {
	if lockIsOurs(path, content) {
		os.Remove(path)
	}
}
