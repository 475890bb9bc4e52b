package receipt

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/canonjson"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/snapshot"
)

// States a receipt carries besides a deployment's.
const (
	StateAccepted = "Accepted"
	StateRejected = "Rejected"
)

// Schema names the receipt document format.
const Schema = "zonectl.receipt/v1"

// Receipt is receipt.json: one deployment of a peer's release.
type Receipt struct {
	Schema string `json:"schema"`
	// Position is the receipt's place in its chain, from 1; a gap or a
	// reorder shows as a position out of step.
	Position int    `json:"position"`
	Source   string `json:"source"` // the peer the release came from
	Target   string `json:"target"` // this Space, which deployed it
	Project  string `json:"project"`
	Version  string `json:"version"`
	Revision int    `json:"revision"`
	// Promotion is the source's promotion commit the release was accepted
	// from.
	Promotion    string                `json:"promotion"`
	DeploymentID string                `json:"deployment_id"`
	Environment  string                `json:"environment"`
	Tenant       string                `json:"tenant,omitempty"`
	State        string                `json:"state"`
	Started      time.Time             `json:"started"`
	Finished     time.Time             `json:"finished"`
	Who          string                `json:"who"`
	Packages     []snapshot.PackageRef `json:"packages"`
	LogSHA256    string                `json:"log_sha256"`
}

// Ref is the chain of receipts for releases from peer.
func Ref(peer string) string { return "refs/zonectl/receipts/" + strings.ToLower(peer) }

// Origin is where an accepted release came from, as Append needs it.
type Origin struct {
	Source    string
	Revision  int
	Promotion string
}

// Append adds, in tx, the receipt of a deployment of an imported release
// to the chain for its source, as a commit signed by this Space; the
// chain moves when tx commits, with the ledger event it belongs to. An
// acceptance or rejection is a receipt too: d then names no environment
// and its state is StateAccepted or StateRejected.
func Append(tx *gitstore.Tx, signer gitstore.Signer, author object.Signature, target, project, version string, from Origin, d *ledger.DeploymentRecord, who string) (plumbing.Hash, error) {
	return appendReceipt(tx, signer, author, Receipt{
		Schema: Schema, Source: from.Source, Target: target,
		Project: project, Version: version, Revision: from.Revision, Promotion: from.Promotion,
		DeploymentID: d.ID, Environment: d.Environment, Tenant: d.Tenant, State: d.State,
		Started: d.Started, Finished: d.Finished, Who: who, Packages: d.Packages, LogSHA256: d.LogSHA256,
	})
}

// Replay appends, in tx, receipts that this clone recorded but never
// pushed, after the receipts the Space's remote holds for their source:
// another clone appended meanwhile, and the chain is one line. Each keeps
// what it says and takes the next position. Receipts leave a Space shared
// by a team only as its remote holds them (see ExportOptions.From), so
// none of these was ever exported.
func Replay(tx *gitstore.Tx, signer gitstore.Signer, author object.Signature, local []Entry) error {
	for _, e := range local {
		if _, err := appendReceipt(tx, signer, author, e.Receipt); err != nil {
			return err
		}
	}
	return nil
}

// appendReceipt adds r to the chain for its source, at the next position.
func appendReceipt(tx *gitstore.Tx, signer gitstore.Signer, author object.Signature, r Receipt) (plumbing.Hash, error) {
	repo := tx.Repo()
	ref := Ref(r.Source)
	tip, ok, err := tx.Ref(ref)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	r.Position = 1
	if ok {
		last, err := read(repo, tip)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		r.Position = last.Position + 1
	}
	if r.Packages == nil {
		r.Packages = []snapshot.PackageRef{}
	}
	data, err := canonjson.Encode(r)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	tree, err := repo.WriteTree([]gitstore.File{{Path: "receipt.json", Data: data}})
	if err != nil {
		return plumbing.ZeroHash, err
	}
	to := r.Environment
	if r.Tenant != "" {
		to += " for " + r.Tenant
	}
	msg := fmt.Sprintf("Receipt %d: %s %s deployed to %s: %s\n", r.Position, r.Project, r.Version, to, r.State)
	if r.Environment == "" {
		msg = fmt.Sprintf("Receipt %d: %s %s %s\n", r.Position, r.Project, r.Version, strings.ToLower(r.State))
	}
	return tx.WriteCommit(gitstore.CommitOptions{Ref: ref, Tree: tree, Author: author, Signer: signer, Message: msg})
}

// Since lists the receipts of the chain at tip that come after base
// (none when tip is base), oldest first: the ones a clone recorded that
// the remote, holding base's line, does not have.
func Since(repo *gitstore.Repo, tip plumbing.Hash, onLine func(plumbing.Hash) (bool, error)) ([]Entry, error) {
	var out []Entry
	for h := tip; !h.IsZero(); {
		on, err := onLine(h)
		if err != nil {
			return nil, err
		}
		if on {
			break
		}
		r, err := read(repo, h)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{Commit: h, Receipt: *r})
		c, err := repo.Git().CommitObject(h)
		if err != nil {
			return nil, err
		}
		h = plumbing.ZeroHash
		if c.NumParents() > 0 {
			h = c.ParentHashes[0]
		}
	}
	slices.Reverse(out)
	return out, nil
}

// Entry is a receipt with the commit that holds it.
type Entry struct {
	Commit plumbing.Hash
	Receipt
}

// Chain reads the receipts for releases from peer, oldest first.
func Chain(repo *gitstore.Repo, peer string) ([]Entry, error) { return chainFrom(repo, Ref(peer)) }

func chainFrom(repo *gitstore.Repo, ref string) ([]Entry, error) {
	tip, ok, err := repo.Ref(ref)
	if err != nil || !ok {
		return nil, err
	}
	return Since(repo, tip, func(plumbing.Hash) (bool, error) { return false, nil })
}

// read reads the receipt of commit h, as this Space wrote it.
func read(repo *gitstore.Repo, h plumbing.Hash) (*Receipt, error) {
	return readAs(repo, h, canonjson.Decode)
}

// readSent reads the receipt of commit h from a peer: exactly in the one
// form zonectl writes, or not at all.
func readSent(repo *gitstore.Repo, h plumbing.Hash) (*Receipt, error) {
	return readAs(repo, h, canonjson.DecodeExact)
}

func readAs(repo *gitstore.Repo, h plumbing.Hash, decode func(string, []byte, any) error) (*Receipt, error) {
	c, err := repo.Git().CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("read receipt commit %s: %w", h, err)
	}
	f, err := c.File("receipt.json")
	if err != nil {
		return nil, fmt.Errorf("receipt commit %s has no receipt.json", h)
	}
	rd, err := f.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	data, err := io.ReadAll(io.LimitReader(rd, 1<<20))
	if err != nil {
		return nil, err
	}
	var r Receipt
	if err := decode("receipt.json of "+h.String(), data, &r); err != nil {
		return nil, err
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("receipt commit %s: unknown schema %q", h, r.Schema)
	}
	return &r, nil
}
