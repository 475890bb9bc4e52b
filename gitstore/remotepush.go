package gitstore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// With a remote, a transaction's commit point is one atomic push of all
// its shared ref updates (git push --atomic), each leased against the
// value this clone last synced (--force-with-lease=<ref>:<synced>). The
// push runs while the transaction holds its local lock files, with the
// journal in state "pushing": the remote decides. If it takes the push,
// the local refs and the synced view are published as for any commit; if
// it refuses, nothing is published. If the outcome is unknown (the
// connection dropped), the journal stays, and the next zonectl command
// that reaches the remote finds out: the transaction's new commits are on
// the remote's refs, or they are not.

// Reconciler catches the clone up with its remote after the remote
// rejected a push because it moved meanwhile: fetch, then reconcile each
// shared ref, in a transaction that does not push.
type Reconciler func(ctx context.Context) error

// OnRemoteMoved names what Transact runs between attempts.
func (r *Repo) OnRemoteMoved(f Reconciler) { r.reconcile = f }

// PushAttempts bounds how many times Transact tries a transaction whose
// push the remote keeps rejecting: enough for a handful of clones writing
// without pause, with the backoff between attempts.
const PushAttempts = 12

// PushRejectedError is a push the remote rejected because a ref there is
// not what this clone last saw: someone else pushed first. Nothing was
// published; fetching, reconciling and trying again resolves it.
type PushRejectedError struct {
	Remote   string
	Ref      string
	Reason   string
	Attempts int // set by Transact when it gives up
}

func (e *PushRejectedError) Error() string {
	msg := fmt.Sprintf("%s moved %s meanwhile (%s)", e.Remote, e.Ref, e.Reason)
	if e.Attempts > 1 {
		msg += fmt.Sprintf("; still so after %d attempts", e.Attempts)
	}
	return msg
}

// PushRefusedError is a push the remote refused for another reason than
// a race: a hook, a protected branch, missing permission. Nothing was
// published, and trying again would not help.
type PushRefusedError struct {
	Remote string
	Ref    string
	Reason string
	Detail string // what the remote said
}

func (e *PushRefusedError) Error() string {
	msg := fmt.Sprintf("%s refused the update of %s (%s)", e.Remote, e.Ref, e.Reason)
	if e.Detail != "" {
		msg += ":\n" + e.Detail
	}
	return msg
}

// DivergedError refuses a push that would rewrite a ref on the remote:
// the clone's value does not contain what the remote holds.
type DivergedError struct {
	Remote string
	Ref    string
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("%s on %s is not an ancestor of this clone's; pushing it would rewrite %s's history", e.Ref, e.Remote, e.Remote)
}

// UnresolvedPushError is an interrupted push whose outcome is not known
// yet, because the remote cannot be reached to ask it. The transaction
// keeps its lock files until the next command that reaches the remote.
type UnresolvedPushError struct {
	What   string
	Remote string
	Err    error
}

func (e *UnresolvedPushError) Error() string {
	return fmt.Sprintf("a push to %s (%s) was interrupted, and whether it landed is not known yet: %v", e.Remote, e.What, e.Err)
}

func (e *UnresolvedPushError) Unwrap() error { return e.Err }

// NoPush makes the transaction change only this clone, such as the
// reconciling that follows a fetch; what it moves is pushed later.
func (t *Tx) NoPush() { t.noPush = true }

// PushPending makes the transaction push, at Commit, every shared ref the
// clone moved since it last synced, even with no update of its own.
func (t *Tx) PushPending() { t.pushPending = true }

// Pushed lists the refs the transaction's commit pushed to the remote.
func (t *Tx) Pushed() []string {
	out := []string{}
	for _, u := range t.j.Push {
		out = append(out, u.Ref)
	}
	return out
}

// Transact runs f in a transaction and commits it. When the remote
// rejects the push because it moved meanwhile, the clone catches up (see
// OnRemoteMoved) and f runs again in a new transaction, at least
// PushAttempts times and for PushPatience: f must decide from what the
// transaction reads, not from what it read before.
func (r *Repo) Transact(ctx context.Context, what string, f func(*Tx) error) error {
	_, err := r.transact(ctx, what, f, false)
	return err
}

// Record is Transact for what has happened already and must not be lost,
// such as a deployment whose steps ran: it keeps trying a raced push for
// RecordPatience, and should the remote still be taken by others then,
// or refuse the push, or not be reached, it commits in this clone alone,
// for the next command that writes, or zonectl sync, to push. unpushed
// then says why it was not pushed.
func (r *Repo) Record(ctx context.Context, what string, f func(*Tx) error) (unpushed, err error) {
	return r.transact(ctx, what, f, true)
}

// How long Transact, and Record, keep trying a push the remote keeps
// rejecting (at least PushAttempts times): a remote shared by many
// clones writing at once is busy in bursts.
const (
	PushPatience   = 30 * time.Second
	RecordPatience = 2 * time.Minute
)

func (r *Repo) transact(ctx context.Context, what string, f func(*Tx) error, record bool) (unpushed, err error) {
	start := time.Now()
	patience := PushPatience
	if record {
		patience = RecordPatience
	}
	keep := func(why error) (error, error) {
		if !record || !remoteFailed(why) {
			return nil, why
		}
		return why, r.transactOnce(ctx, what, f, true)
	}
	for attempt := 1; ; attempt++ {
		err := r.transactOnce(ctx, what, f, false)
		var rejected *PushRejectedError
		if !errors.As(err, &rejected) {
			return keep(err)
		}
		if r.reconcile == nil || (attempt >= PushAttempts && time.Since(start) >= patience) {
			rejected.Attempts = attempt
			return keep(err)
		}
		if err := sleepCtx(ctx, backoff(attempt)); err != nil {
			return nil, err
		}
		if err := r.reconcile(ctx); err != nil {
			return keep(fmt.Errorf("%s: %w; catching up with %s failed: %w", what, rejected, r.remote, err))
		}
	}
}

// remoteFailed reports whether err is the remote's, not the
// transaction's own: a push that lost, was refused or did not reach the
// remote, which a commit in the clone alone can wait out.
func remoteFailed(err error) bool {
	var (
		rejected *PushRejectedError
		refused  *PushRefusedError
		remote   *RemoteError
		diverged *DivergedError
	)
	return errors.As(err, &rejected) || errors.As(err, &refused) || errors.As(err, &remote) || errors.As(err, &diverged)
}

func (r *Repo) transactOnce(ctx context.Context, what string, f func(*Tx) error, noPush bool) error {
	tx, err := r.Begin(ctx, what)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	tx.noPush = noPush
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// backoff is the pause before attempt+1: growing, with jitter so that
// clones that lost the same race do not meet again.
func backoff(attempt int) time.Duration {
	// Capped low: a clone that lost many times in a row must not wait
	// longer than those it lost to, or it loses again.
	base := time.Duration(25<<min(attempt, 4)) * time.Millisecond
	return base/2 + rand.N(base)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// planPush lists, in the journal, what the commit pushes: every shared
// ref the transaction moves, and with PushPending every other one the
// clone moved since it last synced; each is leased against its synced
// value, and the synced view moves with it.
func (t *Tx) planPush() error {
	remote := t.r.remote
	push := map[string]journalUpdate{}
	for name, h := range t.next {
		if !Shared(name) || h == t.read[name] {
			continue
		}
		u, err := t.pushOf(name, h)
		if err != nil {
			return err
		}
		if isZeroHex(u.New) && isZeroHex(u.Old) {
			continue // a ref only this clone had: the remote has nothing to delete
		}
		if err := t.r.checkFastForward(remote, u); err != nil {
			return err
		}
		if name == MainBranch {
			if err := t.r.checkOnlyThis(remote, u); err != nil {
				return err
			}
		}
		push[name] = u
	}
	if len(push) > 0 || t.pushPending {
		if err := t.addPending(push); err != nil {
			return err
		}
	}
	t.j.Push = nil
	for _, u := range push {
		t.j.Push = append(t.j.Push, u)
		synced := SyncedRef(remote, u.Ref)
		old := plumbing.NewHash(u.Old)
		switch {
		case !isZeroHex(u.New):
			t.next[synced] = plumbing.NewHash(u.New)
		case !old.IsZero():
			t.next[synced] = plumbing.ZeroHash
		}
	}
	sort.Slice(t.j.Push, func(i, k int) bool { return t.j.Push[i].Ref < t.j.Push[k].Ref })
	if len(t.j.Push) > 0 {
		t.j.Remote = remote
	}
	return nil
}

// pushOf is the push of name to h, leased against its synced value.
func (t *Tx) pushOf(name string, h plumbing.Hash) (journalUpdate, error) {
	lease, _, err := t.Ref(SyncedRef(t.r.remote, name))
	if err != nil {
		return journalUpdate{}, err
	}
	return journalUpdate{Ref: name, Old: lease.String(), New: h.String()}, nil
}

// addPending adds to push the shared refs (main aside: it is the user's
// to push) that the clone moved since it last synced and that the remote
// can take as they are; one that diverged waits for zonectl sync.
func (t *Tx) addPending(push map[string]journalUpdate) error {
	refs, err := t.r.RemoteRefs()
	if err != nil {
		return err
	}
	for _, rr := range refs {
		// main and the proposal branches are pushed only by what moves
		// them: commits of the user's own on them are the user's to push.
		if _, ok := push[rr.Ref]; ok || rr.Ref == MainBranch || strings.HasPrefix(rr.Ref, ProposalsPrefix) || rr.Local == rr.Synced {
			continue
		}
		local, _, err := t.Ref(rr.Ref)
		if err != nil {
			return err
		}
		u, err := t.pushOf(rr.Ref, local)
		if err != nil {
			return err
		}
		if t.r.checkFastForward(t.r.remote, u) != nil {
			continue
		}
		push[rr.Ref] = u
	}
	return nil
}

// checkFastForward refuses a push that would replace a commit on the
// remote with one that does not contain it.
func (r *Repo) checkFastForward(remote string, u journalUpdate) error {
	if isZeroHex(u.Old) || isZeroHex(u.New) {
		return nil
	}
	ok, err := r.IsAncestor(plumbing.NewHash(u.Old), plumbing.NewHash(u.New))
	if err != nil {
		return err
	}
	if !ok {
		return &DivergedError{Remote: remote, Ref: u.Ref}
	}
	return nil
}

// MainAheadError refuses a commit on main whose parent is not the
// remote's main: the push would publish the clone's own unpushed commits
// with it, unreviewed.
type MainAheadError struct {
	Remote string
	Ahead  int
}

func (e *MainAheadError) Error() string {
	return fmt.Sprintf("this clone's main has %d commit(s) that %s does not; zonectl will not push them with its own", e.Ahead, e.Remote)
}

// checkOnlyThis refuses a push of main that carries more than the one
// commit the transaction made on top of the remote's.
func (r *Repo) checkOnlyThis(remote string, u journalUpdate) error {
	if isZeroHex(u.Old) || isZeroHex(u.New) {
		return nil
	}
	c, err := r.repo.CommitObject(plumbing.NewHash(u.New))
	if err != nil {
		return err
	}
	if len(c.ParentHashes) > 0 && c.ParentHashes[0] == plumbing.NewHash(u.Old) {
		return nil
	}
	ahead, _, err := r.AheadBehind(plumbing.NewHash(u.New), plumbing.NewHash(u.Old))
	if err != nil {
		return err
	}
	return &MainAheadError{Remote: remote, Ahead: ahead - 1}
}

// push is the commit point of a transaction with a remote: the journal
// says "pushing", and the remote takes all of the push or none of it.
func (t *Tx) push() error {
	t.j.State = statePushing
	if err := t.writeJournal(); err != nil {
		return err
	}
	err := t.r.pushAtomic(t.ctx, t.j.Remote, t.j.Push)
	if err == nil {
		return nil
	}
	var rejected *PushRejectedError
	var refused *PushRefusedError
	if errors.As(err, &rejected) || errors.As(err, &refused) {
		return err
	}
	// The push may have landed before the connection dropped: ask.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), 30*time.Second)
	defer cancel()
	landed, rerr := t.r.pushLanded(ctx, &t.j)
	switch {
	case rerr == nil && landed:
		return nil
	case neverConnected(err):
		return &RemoteError{Remote: t.j.Remote, Op: "push to", Err: err}
	case rerr == nil:
		// Not there yet, but a server that had all of it may still take
		// it: what it does outside Git waits for that as an orphan.
		if oerr := t.r.keepOrphan(&t.j); oerr != nil {
			return errors.Join(&RemoteError{Remote: t.j.Remote, Op: "push to", Err: err}, oerr)
		}
		return &RemoteError{Remote: t.j.Remote, Op: "push to", Err: err}
	}
	// Neither known to have landed nor not: the journal keeps the lock
	// files for the next command to find out.
	t.done = true
	t.locks, t.index = nil, nil
	return &UnresolvedPushError{What: t.j.What, Remote: t.j.Remote, Err: errors.Join(err, rerr)}
}

// pushAtomic runs git push --atomic of updates to remote, each leased
// against its old value.
func (r *Repo) pushAtomic(ctx context.Context, remote string, updates []journalUpdate) error {
	args := []string{"push", "--atomic", "--porcelain", "--no-follow-tags"}
	var specs []string
	for _, u := range updates {
		lease := u.Old
		if isZeroHex(lease) {
			lease = ""
		}
		args = append(args, "--force-with-lease="+u.Ref+":"+lease)
		if isZeroHex(u.New) {
			specs = append(specs, ":"+u.Ref)
		} else {
			specs = append(specs, u.New+":"+u.Ref)
		}
	}
	args = append(append(args, "--end-of-options", remote), specs...)
	out, err := r.git(ctx, args...)
	if err == nil {
		return nil
	}
	if e := pushFailure(remote, out, err); e != nil {
		return e
	}
	return err
}

// pushFailure reads git push --porcelain's report of a failed push: a
// *PushRejectedError when a ref moved on the remote, a *PushRefusedError
// when the remote refused for another reason, nil when there is no report
// (the push did not get that far).
func pushFailure(remote string, porcelain []byte, err error) error {
	var detail string
	var ge *GitError
	if errors.As(err, &ge) {
		detail = remoteSaid(ge.Stderr)
	}
	sc := bufio.NewScanner(bytes.NewReader(porcelain))
	var first error
	for sc.Scan() {
		flag, rest, ok := strings.Cut(sc.Text(), "\t")
		if !ok || flag != "!" {
			continue
		}
		spec, summary, _ := strings.Cut(rest, "\t")
		_, ref, _ := strings.Cut(spec, ":")
		reason := summary
		if i := strings.Index(summary, "("); i >= 0 {
			reason = strings.TrimSuffix(summary[i+1:], ")")
		}
		var e error
		if raced(reason) || (strings.Contains(reason, "atomic") && racedAtRemote(detail)) {
			e = &PushRejectedError{Remote: remote, Ref: ref, Reason: reason}
		} else {
			e = &PushRefusedError{Remote: remote, Ref: ref, Reason: reason, Detail: detail}
		}
		if !strings.Contains(reason, "atomic") {
			return e
		}
		if first == nil {
			first = e
		}
	}
	return first
}

// raced reports whether git push's reason for rejecting a ref means the
// remote moved it since the clone last saw it.
func raced(reason string) bool {
	for _, s := range []string{"stale info", "fetch first", "non-fast-forward", "cannot lock ref", "failed to lock", "incorrect old value"} {
		if strings.Contains(reason, s) {
			return true
		}
	}
	return false
}

// racedAtRemote reports whether what the remote said of an atomic push it
// failed is a ref that moved under it (git's "cannot lock ref ...:
// reference already exists", "... is at X but expected Y"), not another
// failure, such as a full disk, to report as it is.
func racedAtRemote(said string) bool {
	return strings.Contains(said, "cannot lock ref") && (strings.Contains(said, "but expected") || strings.Contains(said, "reference already exists") || strings.Contains(said, "reference is missing"))
}

// remoteSaid keeps the lines the remote sent (a hook's message) from git
// push's stderr.
func remoteSaid(stderr string) string {
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "remote: ") {
			lines = append(lines, "  "+strings.TrimRight(l, " \t\r"))
		}
	}
	return strings.Join(lines, "\n")
}

// neverConnected reports whether a failed git push says it never got to
// send anything: the remote could not be reached or would not let it in.
func neverConnected(err error) bool {
	var ge *GitError
	if !errors.As(err, &ge) {
		return false
	}
	for _, s := range []string{"Could not resolve host", "Connection refused", "unable to access", "Authentication failed",
		"Permission denied", "not found", "does not appear to be a git repository", "Could not read from remote repository",
		"No such remote", "unable to connect"} {
		if strings.Contains(ge.Stderr, s) {
			return true
		}
	}
	return false
}

// pushLanded fetches from the journal's remote and reports whether its
// push landed there (see landed).
func (r *Repo) pushLanded(ctx context.Context, j *journal) (bool, error) {
	saved := r.remote
	r.remote = j.Remote
	err := r.Fetch(ctx)
	r.remote = saved
	if err != nil {
		return false, err
	}
	return r.landed(j)
}

// landed reports whether the journal's push is on its remote as last
// fetched: every ref it set holds its new value, or a commit that
// contains it. Some of those values are not the transaction's alone (an
// inbox ref points at the bundle's commit, which another clone importing
// the same bundle pushes too), but the push is atomic and the ledger
// commit it makes is its own: all of them are there only if the push
// landed. A push that only deletes landed when every ref is gone.
func (r *Repo) landed(j *journal) (bool, error) {
	sets := 0
	for _, u := range j.Push {
		there, _, err := r.Ref(FetchedRef(j.Remote, u.Ref))
		if err != nil {
			return false, err
		}
		if isZeroHex(u.New) {
			continue
		}
		sets++
		if there.IsZero() {
			return false, nil
		}
		if ok, err := r.IsAncestor(plumbing.NewHash(u.New), there); err != nil || !ok {
			return false, nil
		}
	}
	if sets > 0 {
		return true, nil
	}
	for _, u := range j.Push {
		there, _, err := r.Ref(FetchedRef(j.Remote, u.Ref))
		if err != nil || !there.IsZero() {
			return false, err
		}
	}
	return true, nil
}

// IsAncestor reports whether commit a is b or one of b's ancestors.
func (r *Repo) IsAncestor(a, b plumbing.Hash) (bool, error) {
	if a == b {
		return true, nil
	}
	seen := map[plumbing.Hash]bool{b: true}
	queue := []plumbing.Hash{b}
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		c, err := r.repo.CommitObject(h)
		if err != nil {
			return false, fmt.Errorf("read commit %s: %w", h, err)
		}
		for _, p := range c.ParentHashes {
			if p == a {
				return true, nil
			}
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return false, nil
}

func sortRemoteRefs(refs []RemoteRef) {
	sort.Slice(refs, func(i, k int) bool { return refs[i].Ref < refs[k].Ref })
}

// AheadBehind counts the commits reachable from local and not from
// theirs (ahead), and the other way round (behind). A zero hash has no
// commits.
func (r *Repo) AheadBehind(local, theirs plumbing.Hash) (ahead, behind int, err error) {
	mine, err := r.ancestors(local)
	if err != nil {
		return 0, 0, err
	}
	other, err := r.ancestors(theirs)
	if err != nil {
		return 0, 0, err
	}
	for h := range mine {
		if !other[h] {
			ahead++
		}
	}
	for h := range other {
		if !mine[h] {
			behind++
		}
	}
	return ahead, behind, nil
}

// ancestors is every commit reachable from h, h included.
func (r *Repo) ancestors(h plumbing.Hash) (map[plumbing.Hash]bool, error) {
	seen := map[plumbing.Hash]bool{}
	if h.IsZero() {
		return seen, nil
	}
	stack := []plumbing.Hash{h}
	seen[h] = true
	for len(stack) > 0 {
		c, err := r.repo.CommitObject(stack[len(stack)-1])
		if err != nil {
			return nil, fmt.Errorf("read commit %s: %w", stack[len(stack)-1], err)
		}
		stack = stack[:len(stack)-1]
		for _, p := range c.ParentHashes {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	return seen, nil
}
