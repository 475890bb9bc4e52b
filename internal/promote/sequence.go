package promote

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/canonjson"
)

// In a Space with a remote, a promotion's sequence number, per source and
// target, is claimed at the remote before its bundle is written: a signed
// commit on SequenceRef(target) whose sequence.json names the number and
// what it is for. The claim's push is the allocation: two clones that
// claim the same number race for the ref, the one whose push lands has
// it, and the other catches up and claims the next
// (gitstore.Repo.Transact). A number claimed by a promotion that then
// fails, or is killed, is never used again: the target accepts gaps,
// never a repeat. A Space kept in one clone needs no claim: the Space lock
// and Record's check of the ledger allocate there, in one transaction
// with the promotion.

// SequencePrefix is where the claims live, one ref per target.
const SequencePrefix = "refs/zonectl/sequences/"

// SequenceRef is the chain of claims of sequence numbers to target.
func SequenceRef(target string) string { return SequencePrefix + strings.ToLower(target) }

// ClaimSchema names the sequence.json format.
const ClaimSchema = "zonectl.sequence/v1"

// SequenceClaim is sequence.json: one number claimed.
type SequenceClaim struct {
	Schema   string    `json:"schema"`
	Target   string    `json:"target"`
	Sequence uint64    `json:"sequence"`
	Project  string    `json:"project"`
	Version  string    `json:"version"`
	Revision int       `json:"revision"`
	Who      string    `json:"who"`
	Time     time.Time `json:"time"`
}

// claimSequence claims the next sequence number to p's target, and takes
// the revision of this release's promotion there from the ledger.
func (p *Promotion) claimSequence(ctx context.Context, env *Env) error {
	var err error
	if p.Revision, p.Sequence, err = nextNumbers(env.Repo, p); err != nil {
		return err
	}
	if env.Repo.RemoteName() == "" {
		return nil
	}
	rel := p.Release.Release
	what := fmt.Sprintf("claim a sequence number for promote %s %s to %s", rel.Project, rel.Version, p.Target)
	return env.Repo.Transact(ctx, what, func(tx *gitstore.Tx) error {
		var err error
		if p.Revision, p.Sequence, err = nextNumbers(env.Repo, p); err != nil {
			return err
		}
		ref := SequenceRef(p.Target)
		tip, ok, err := tx.Ref(ref)
		if err != nil {
			return err
		}
		if ok {
			last, err := ReadClaim(env.Repo, tip)
			if err != nil {
				return err
			}
			p.Sequence = max(p.Sequence, last.Sequence+1)
		}
		data, err := canonjson.Encode(SequenceClaim{
			Schema: ClaimSchema, Target: p.Target, Sequence: p.Sequence, Project: rel.Project, Version: rel.Version,
			Revision: p.Revision, Who: fmt.Sprintf("%s <%s>", env.Author.Name, env.Author.Email), Time: env.Now.UTC(),
		})
		if err != nil {
			return err
		}
		tree, err := env.Repo.WriteTree([]gitstore.File{{Path: "sequence.json", Data: data}})
		if err != nil {
			return err
		}
		_, err = tx.WriteCommit(gitstore.CommitOptions{
			Ref: ref, Tree: tree, Author: env.Author, Signer: env.Signer,
			Message: fmt.Sprintf("Claim sequence %d to %s for %s %s (revision %d)\n", p.Sequence, p.Target, rel.Project, rel.Version, p.Revision),
		})
		return err
	})
}

// ReadClaim reads the claim of the commit h on a sequence ref.
func ReadClaim(repo *gitstore.Repo, h plumbing.Hash) (*SequenceClaim, error) {
	c, err := repo.Git().CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("read sequence claim %s: %w", h, err)
	}
	f, err := c.File("sequence.json")
	if err != nil {
		return nil, fmt.Errorf("sequence claim %s has no sequence.json: %w", h, err)
	}
	r, err := f.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, err
	}
	var claim SequenceClaim
	if err := canonjson.Decode("sequence.json of claim "+h.String(), data, &claim); err != nil {
		return nil, err
	}
	if claim.Schema != ClaimSchema {
		return nil, fmt.Errorf("sequence claim %s: unknown schema %q", h, claim.Schema)
	}
	return &claim, nil
}
