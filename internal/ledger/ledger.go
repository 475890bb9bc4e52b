package ledger

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/canonjson"
)

// Ref is where the ledger lives.
const Ref = "refs/zonectl/ledger"

// Append records ev as a new signed commit on the ledger, in tx, with the
// given extra files (such as log.txt) beside event.json. The ledger moves
// when tx commits, together with whatever else the command changes.
func Append(tx *gitstore.Tx, signer gitstore.Signer, author object.Signature, ev Event, extra []gitstore.File) (plumbing.Hash, error) {
	return appendEvent(tx, signer, author, ev, extra, nil, false)
}

// Merge records ev, in tx, as a merge commit whose second parent is
// merged: a history signed by someone else (a peer's receipts) joins the
// ledger without a single commit of it being rewritten.
func Merge(tx *gitstore.Tx, signer gitstore.Signer, author object.Signature, ev Event, merged plumbing.Hash) (plumbing.Hash, error) {
	return appendEvent(tx, signer, author, ev, nil, []plumbing.Hash{merged}, false)
}

// Join records, in tx, that the ledger's history in this clone and the one
// on the Space's remote diverged (two clones appended at once) by a signed
// merge commit of both: the clone's tip first, the remote's second.
// Neither history is rewritten, and Events reads both.
func Join(tx *gitstore.Tx, signer gitstore.Signer, author object.Signature, remote string, theirs plumbing.Hash) (plumbing.Hash, error) {
	local, _, err := tx.Ref(Ref)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	ev := Event{
		Type: Joined, Who: fmt.Sprintf("%s <%s>", author.Name, author.Email),
		Joined: &JoinRecord{Remote: remote, Local: local.String(), Theirs: theirs.String()},
	}
	return appendEvent(tx, signer, author, ev, nil, []plumbing.Hash{theirs}, true)
}

// appendEvent writes ev as the ledger's next commit, with the state as
// the tip leaves it (see state.go); join merges the state the second
// parent leaves too.
func appendEvent(tx *gitstore.Tx, signer gitstore.Signer, author object.Signature, ev Event, extra []gitstore.File, parents []plumbing.Hash, join bool) (plumbing.Hash, error) {
	ev.Schema = Schema
	if ev.Time.IsZero() {
		ev.Time = time.Now().UTC()
	}
	data, err := canonjson.Encode(ev)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	files := append([]gitstore.File{{Path: "event.json", Data: data}}, extra...)
	st, err := stateFor(tx, parents, join)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write the ledger's state: %w", err)
	}
	tree, err := tx.Repo().WriteTreeWith(files, stateDir, st)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write ledger event: %w", err)
	}
	return tx.WriteCommit(gitstore.CommitOptions{Ref: Ref, Tree: tree, ExtraParents: parents, Message: Summary(ev) + "\n", Author: author, Signer: signer})
}

// stateFor is the state a new ledger commit carries: the state after the
// ledger's tip in tx, joined, for a join, with the state after the other
// history's tip.
func stateFor(tx *gitstore.Tx, parents []plumbing.Hash, join bool) (plumbing.Hash, error) {
	repo := tx.Repo()
	tip, ok, err := tx.Ref(Ref)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if !ok {
		return docs{peersPath: &PeersState{}}.write(repo, plumbing.ZeroHash)
	}
	c, err := repo.Git().CommitObject(tip)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	st, err := after(repo, c)
	if err != nil || !join {
		return st, err
	}
	theirs, err := repo.Git().CommitObject(parents[0])
	if err != nil {
		return plumbing.ZeroHash, err
	}
	other, err := after(repo, theirs)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return mergeState(repo, st, other)
}

// Summary is the event in one line, the ledger commit's subject.
func Summary(ev Event) string {
	switch ev.Type {
	case ReleaseCreated:
		return fmt.Sprintf("Create release %s %s", ev.Project, ev.Version)
	case ReleaseSnapshot:
		return fmt.Sprintf("Re-snapshot the variables of release %s %s", ev.Project, ev.Version)
	case Promotion:
		if p := ev.Promotion; p != nil {
			return fmt.Sprintf("Promote %s %s to %s (revision %d, sequence %d)", ev.Project, ev.Version, p.Target, p.Revision, p.Sequence)
		}
	case Import:
		if im := ev.Import; im != nil {
			return fmt.Sprintf("Import %s %s from %s (revision %d, sequence %d)", ev.Project, ev.Version, im.Source, im.Revision, im.Sequence)
		}
	case Receipts:
		if r := ev.Receipts; r != nil {
			return fmt.Sprintf("Merge %d receipt(s) from %s (%d to %d)", r.Last-r.First+1, r.Peer, r.First, r.Last)
		}
	case Acceptance:
		if a := ev.Acceptance; a != nil {
			return fmt.Sprintf("Accept %s %s from %s (revision %d) into lifecycle %s", ev.Project, ev.Version, a.Source, a.Revision, a.Lifecycle)
		}
	case Rejection:
		if a := ev.Acceptance; a != nil {
			return fmt.Sprintf("Reject %s %s from %s (revision %d): %s", ev.Project, ev.Version, a.Source, a.Revision, firstLine(a.Reason))
		}
	case Joined:
		if j := ev.Joined; j != nil {
			return fmt.Sprintf("Join the ledger's history on %s with this clone's", j.Remote)
		}
	case Deployment:
		d := ev.Deployment
		if d == nil {
			break
		}
		to := d.Environment
		if d.Tenant != "" {
			to += " for " + d.Tenant
		}
		return fmt.Sprintf("Deploy %s %s to %s: %s", ev.Project, ev.Version, to, d.State)
	}
	return fmt.Sprintf("%s %s %s", ev.Type, ev.Project, ev.Version)
}

// Events reads the ledger's events, oldest first. It follows first
// parents, and both sides of a join (see Join); a receipts merge brings in
// a peer's history, which is read by its owner (receipt). Where a join
// brings two histories together, their events are interleaved by time, a
// commit never before its parent: every clone reads the same order.
func Events(repo *gitstore.Repo) ([]Entry, error) {
	tip, ok, err := repo.Ref(Ref)
	if err != nil || !ok {
		return nil, err
	}
	g, err := readGraph(repo, tip)
	if err != nil {
		return nil, err
	}
	return g.ordered(), nil
}

// graph is the ledger's commits, each with the parents that are ledger
// commits too.
type graph struct {
	entries  map[plumbing.Hash]*node
	children map[plumbing.Hash][]plumbing.Hash
}

type node struct {
	entry   Entry
	time    time.Time
	parents int // how many of its parents are in the graph, not yet ordered
}

func readGraph(repo *gitstore.Repo, tip plumbing.Hash) (*graph, error) {
	g := &graph{entries: map[plumbing.Hash]*node{}, children: map[plumbing.Hash][]plumbing.Hash{}}
	stack := []plumbing.Hash{tip}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if g.entries[h] != nil {
			continue
		}
		c, err := repo.CommitObject(h)
		if err != nil {
			return nil, fmt.Errorf("read ledger commit %s: %w", h, err)
		}
		ev, err := readEvent(repo, c)
		if err != nil {
			return nil, err
		}
		parents := ledgerParents(c, ev)
		g.entries[h] = &node{entry: Entry{Commit: h.String(), Event: ev}, time: c.Committer.When, parents: len(parents)}
		for _, p := range parents {
			g.children[p] = append(g.children[p], h)
			stack = append(stack, p)
		}
	}
	return g, nil
}

// ledgerParents are the parents of c that are ledger commits: the first,
// and the second of a join.
func ledgerParents(c *object.Commit, ev Event) []plumbing.Hash {
	switch {
	case len(c.ParentHashes) == 0:
		return nil
	case ev.Type == Joined && len(c.ParentHashes) > 1:
		return c.ParentHashes[:2]
	}
	return c.ParentHashes[:1]
}

// ordered lists the graph's entries with every commit after its parents;
// of the commits ready at once, the earliest (then the lowest hash) comes
// first.
func (g *graph) ordered() []Entry {
	var ready []plumbing.Hash
	for h, n := range g.entries {
		if n.parents == 0 {
			ready = append(ready, h)
		}
	}
	out := make([]Entry, 0, len(g.entries))
	for len(ready) > 0 {
		i := g.earliest(ready)
		h := ready[i]
		ready = append(ready[:i], ready[i+1:]...)
		out = append(out, g.entries[h].entry)
		for _, child := range g.children[h] {
			n := g.entries[child]
			if n.parents--; n.parents == 0 {
				ready = append(ready, child)
			}
		}
	}
	return out
}

func (g *graph) earliest(hs []plumbing.Hash) int {
	best := 0
	for i := 1; i < len(hs); i++ {
		a, b := g.entries[hs[i]].time, g.entries[hs[best]].time
		if a.Before(b) || (a.Equal(b) && hs[i].String() < hs[best].String()) {
			best = i
		}
	}
	return best
}

// IsJoin reports whether the ledger commit h joins two histories of the
// ledger, so that its second parent is a ledger commit too.
func IsJoin(repo *gitstore.Repo, h plumbing.Hash) (bool, error) {
	c, err := repo.Git().CommitObject(h)
	if err != nil {
		return false, err
	}
	if len(c.ParentHashes) < 2 {
		return false, nil
	}
	ev, err := readEvent(repo, c)
	if err != nil {
		return false, err
	}
	return ev.Type == Joined, nil
}

func readEvent(repo *gitstore.Repo, c *object.Commit) (Event, error) {
	var ev Event
	data, ok, err := repo.FileAt(c.TreeHash, "event.json", 16<<20)
	if err != nil {
		return ev, fmt.Errorf("ledger commit %s: %w", c.Hash, err)
	}
	if !ok {
		return ev, fmt.Errorf("ledger commit %s has no event.json", c.Hash)
	}
	if err := canonjson.Decode("event.json of ledger commit "+c.Hash.String(), data, &ev); err != nil {
		return ev, err
	}
	if ev.Schema != Schema {
		return ev, fmt.Errorf("ledger commit %s: unknown event schema %q", c.Hash, ev.Schema)
	}
	return ev, nil
}

// Log reads the log stored with a deployment event.
func Log(repo *gitstore.Repo, commit string) ([]byte, error) {
	c, err := repo.CommitObject(plumbing.NewHash(commit))
	if err != nil {
		return nil, err
	}
	data, _, err := repo.FileAt(c.TreeHash, "log.txt", maxLog)
	return data, err
}

// maxLog is no bound: a log is read back whole, as it was recorded.
const maxLog = math.MaxInt64

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
