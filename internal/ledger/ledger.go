package ledger

import (
	"errors"
	"fmt"
	"io"
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
	return appendEvent(tx, signer, author, ev, extra, nil)
}

// Merge records ev, in tx, as a merge commit whose second parent is
// merged: a history signed by someone else (a peer's receipts) joins the
// ledger without a single commit of it being rewritten.
func Merge(tx *gitstore.Tx, signer gitstore.Signer, author object.Signature, ev Event, merged plumbing.Hash) (plumbing.Hash, error) {
	return appendEvent(tx, signer, author, ev, nil, []plumbing.Hash{merged})
}

func appendEvent(tx *gitstore.Tx, signer gitstore.Signer, author object.Signature, ev Event, extra []gitstore.File, parents []plumbing.Hash) (plumbing.Hash, error) {
	ev.Schema = Schema
	if ev.Time.IsZero() {
		ev.Time = time.Now().UTC()
	}
	data, err := canonjson.Encode(ev)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	files := append([]gitstore.File{{Path: "event.json", Data: data}}, extra...)
	tree, err := tx.Repo().WriteTree(files)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write ledger event: %w", err)
	}
	return tx.WriteCommit(gitstore.CommitOptions{Ref: Ref, Tree: tree, ExtraParents: parents, Message: Summary(ev) + "\n", Author: author, Signer: signer})
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

// Events reads the ledger's events, oldest first, following first parents
// (merged histories, such as receipts from peers, are read by their
// owners). An empty ledger has no events.
func Events(repo *gitstore.Repo) ([]Entry, error) {
	tip, ok, err := repo.Ref(Ref)
	if err != nil || !ok {
		return nil, err
	}
	var out []Entry
	for h := tip; ; {
		c, err := repo.Git().CommitObject(h)
		if err != nil {
			return nil, fmt.Errorf("read ledger commit %s: %w", h, err)
		}
		ev, err := readEvent(c)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{Commit: h.String(), Event: ev})
		if c.NumParents() == 0 {
			break
		}
		h = c.ParentHashes[0]
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

func readEvent(c *object.Commit) (Event, error) {
	var ev Event
	f, err := c.File("event.json")
	if err != nil {
		return ev, fmt.Errorf("ledger commit %s has no event.json: %w", c.Hash, err)
	}
	r, err := f.Reader()
	if err != nil {
		return ev, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return ev, err
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
	c, err := repo.Git().CommitObject(plumbing.NewHash(commit))
	if err != nil {
		return nil, err
	}
	f, err := c.File("log.txt")
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s, err := f.Contents()
	return []byte(s), err
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
