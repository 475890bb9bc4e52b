package audit

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/parallel"
	"github.com/zonectl/zonectl/internal/refusal"
)

// Ref prefixes the audit knows who signs.
const (
	releasesPrefix   = "refs/zonectl/releases/"
	promotionsPrefix = "refs/zonectl/promotions/"
	receiptsPrefix   = "refs/zonectl/receipts/"
	inboxPrefix      = "refs/zonectl/inbox/"
	peersPrefix      = "refs/zonectl/peers/"
	sequencesPrefix  = "refs/zonectl/sequences/"
)

// signer says whose key a commit must verify with.
type signer struct {
	name string // "this Space's key", `peer "prod"`
	v    *keys.Verifier
}

// checkSignatures is step 1.
func (a *auditor) checkSignatures() error {
	own := signer{name: "this Space's key", v: a.own}
	for _, r := range a.refs {
		name := r.Name().String()
		switch {
		case name == gitstore.MainBranch:
			a.checkMain(name, r.Hash())
		case name == ledger.Ref:
			a.walk(name, r.Hash(), own, a.receiptPeers())
		case strings.HasPrefix(name, releasesPrefix), strings.HasPrefix(name, promotionsPrefix), strings.HasPrefix(name, receiptsPrefix), strings.HasPrefix(name, sequencesPrefix):
			a.walk(name, r.Hash(), own, own)
		case strings.HasPrefix(name, inboxPrefix):
			a.walkPeer(name, r.Hash(), strings.TrimPrefix(name, inboxPrefix), config.AcceptReleases)
		case strings.HasPrefix(name, peersPrefix) && strings.HasSuffix(name, "/receipts"):
			a.walkPeer(name, r.Hash(), strings.TrimPrefix(name, peersPrefix), config.AcceptReceipts)
		}
	}
	a.startSignatures()
	return nil
}

// walkPeer verifies a ref whose commits the peer named by rest's first
// element signs; only a peer trusted for kind counts.
func (a *auditor) walkPeer(ref string, tip plumbing.Hash, rest, kind string) {
	first, _, _ := strings.Cut(rest, "/")
	source, err := url.PathUnescape(first)
	if err != nil {
		source = first
	}
	p := a.cfg.Peer(source)
	if p == nil || !p.AcceptsKind(kind) {
		a.rep.add(Check{What: WhatSignature, Ref: ref, Commit: tip.String(), Result: Fail,
			Detail: fmt.Sprintf("%q is not a peer this Space accepts %s from, so nothing here can be verified", source, kind)})
		return
	}
	s, err := peerSigner(p)
	if err != nil {
		a.rep.add(Check{What: WhatSignature, Ref: ref, Commit: tip.String(), Result: Fail, Detail: err.Error()})
		return
	}
	a.walk(ref, tip, s, s)
}

// receiptPeers verifies history merged into the ledger: receipts from the
// peers this Space accepts receipts from.
func (a *auditor) receiptPeers() signer {
	var ring openpgp.EntityList
	var names []string
	for _, p := range a.cfg.Peers {
		if !p.AcceptsKind(config.AcceptReceipts) {
			continue
		}
		list, err := keys.ReadPublic(fmt.Sprintf("public_key of peer %q", p.Name), []byte(p.PublicKey))
		if err != nil {
			continue // validate reports it; a merge signed by this peer then fails as an unknown key
		}
		ring = append(ring, list...)
		names = append(names, fmt.Sprintf("%q", p.Name))
	}
	name := "the keys of the peers this Space accepts receipts from (none)"
	if len(names) > 0 {
		name = "the keys of peers " + strings.Join(names, ", ")
	}
	return signer{name: name, v: keys.NewVerifier(ring)}
}

func peerSigner(p *config.Peer) (signer, error) {
	list, err := keys.ReadPublic(fmt.Sprintf("public_key of peer %q", p.Name), []byte(p.PublicKey))
	if err != nil {
		return signer{}, err
	}
	return signer{name: fmt.Sprintf("peer %q's key", p.Name), v: keys.NewVerifier(list)}, nil
}

// walk verifies every commit reachable from tip: the first-parent chain
// with chain, whatever only a merge brings in with merged.
func (a *auditor) walk(ref string, tip plumbing.Hash, chain, merged signer) {
	type item struct {
		h      plumbing.Hash
		merged bool
	}
	stack := []item{{tip, false}}
	seen := map[plumbing.Hash]bool{}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[it.h] {
			continue
		}
		seen[it.h] = true
		s := chain
		if it.merged {
			s = merged
		}
		c, err := a.repo.CommitObject(it.h)
		if err != nil {
			a.rep.add(Check{What: WhatSignature, Ref: ref, Commit: it.h.String(), Result: Fail, Detail: fmt.Sprintf("commit cannot be read: %v", err)})
			continue
		}
		a.verify(ref, c, s)
		// A join of two clones' ledgers brings in the ledger's own history,
		// signed as the rest of it is; any other merge, someone else's.
		join := false
		if ref == ledger.Ref && !it.merged && len(c.ParentHashes) > 1 {
			join, _ = ledger.IsJoin(a.repo, it.h)
		}
		// Push merged parents first, so the first parent is walked next.
		for i := len(c.ParentHashes) - 1; i >= 0; i-- {
			stack = append(stack, item{c.ParentHashes[i], it.merged || (i > 0 && !join)})
		}
	}
}

// verify queues one commit's signature, to be checked with s, and keeps
// its check's place in the report: settleSignatures checks them all at
// once, on every core.
func (a *auditor) verify(ref string, c *object.Commit, s signer) {
	payload, err := gitstore.CommitPayload(c)
	a.pending = append(a.pending, pendingSignature{at: len(a.rep.Checks), ref: ref, h: c.Hash, s: s, payload: payload, sig: []byte(c.PGPSignature), err: err})
	a.rep.Checks = append(a.rep.Checks, Check{}) // filled by settleSignatures
}

// pendingSignature is a commit's signature waiting to be checked.
type pendingSignature struct {
	at           int // its check's index in the report
	ref          string
	h            plumbing.Hash
	s            signer
	payload, sig []byte
	err          error // reading the commit
	signed       *keys.Signature
}

// startSignatures checks the queued signatures on every core (verifying
// is pure computation on bytes read already), while the steps after it
// read the ledger: half an audit's work is verifying signatures, and the
// other half is reading. settleSignatures waits for them.
func (a *auditor) startSignatures() {
	pending := a.pending
	a.pending = nil
	done := make(chan struct{})
	go func() {
		defer close(done)
		parallel.Each(len(pending), func(i int) {
			if p := &pending[i]; p.err == nil {
				p.signed, p.err = p.s.v.VerifyNamed("commit "+p.h.String()[:12], p.payload, p.sig)
			}
		})
	}()
	a.settle = func() {
		<-done
		a.recordSignatures(pending)
	}
}

// settleSignatures waits for the signatures startSignatures checks and
// records each result in its place (step 1, finished).
func (a *auditor) settleSignatures() error {
	if a.settle != nil {
		a.settle()
		a.settle = nil
	}
	return nil
}

func (a *auditor) recordSignatures(pending []pendingSignature) {
	for _, p := range pending {
		c := Check{What: WhatSignature, Ref: p.ref, Commit: p.h.String(), Result: Pass}
		if p.err != nil {
			c.Result, c.Detail = Fail, fmt.Sprintf("%s (expected a signature by %s)", reason(p.err), p.s.name)
			a.rep.Summary.Failures++
		} else {
			c.Detail = "signed by " + p.signed.Fingerprint
			a.verified[p.h] = true
			a.rep.Summary.Signatures++
		}
		a.rep.Checks[p.at] = c
	}
}

func (a *auditor) verifyCommit(h plumbing.Hash, s signer) (*keys.Signature, error) {
	var sig *keys.Signature
	err := a.repo.VerifyCommit(h, keys.VerifyFunc(func(payload, armored []byte) error {
		var err error
		sig, err = s.v.VerifyNamed("commit "+h.String()[:12], payload, armored)
		return err
	}))
	return sig, err
}

// reason is a verification error without the "commit <hash>:" prefixes,
// which the check already names.
func reason(err error) string {
	var ve *refusal.Error
	if errors.As(err, &ve) {
		if ve.Err != nil {
			return fmt.Sprintf("%s: %v", ve.Reason, ve.Err)
		}
		return ve.Reason
	}
	return err.Error()
}

// checkMain verifies the commits zonectl wrote on main. A commit is
// zonectl's when it is signed by a key in the Space's keyring: it must
// then verify. Unsigned commits and commits signed by other keys are
// people's edits, merged by review, and are reported for information.
func (a *auditor) checkMain(ref string, tip plumbing.Hash) {
	iter, err := a.repo.Git().Log(&git.LogOptions{From: tip})
	if err != nil {
		a.rep.add(Check{What: WhatSignature, Ref: ref, Commit: tip.String(), Result: Fail, Detail: fmt.Sprintf("history cannot be read: %v", err)})
		return
	}
	defer iter.Close()
	own := signer{name: "this Space's key", v: a.own}
	for {
		c, err := iter.Next()
		if err != nil {
			break
		}
		sig, err := a.verifyCommit(c.Hash, own)
		var ve *refusal.Error
		switch {
		case err == nil:
			a.verified[c.Hash] = true
			a.rep.Summary.Signatures++
			a.rep.add(Check{What: WhatSignature, Ref: ref, Commit: c.Hash.String(), Result: Pass, Detail: "written by zonectl, signed by " + sig.Fingerprint})
		case errors.As(err, &ve) && ve.Reason == "not signed":
			a.rep.Summary.Unsigned++
			a.rep.add(Check{What: WhatSignature, Ref: ref, Commit: c.Hash.String(), Result: Info, Detail: "unsigned (edited by people): " + firstLine(c.Message)})
		case errors.As(err, &ve) && strings.HasPrefix(ve.Reason, "signed by unknown key"):
			a.rep.add(Check{What: WhatSignature, Ref: ref, Commit: c.Hash.String(), Result: Info, Detail: "signed by a person's key, not this Space's (" + ve.Reason + "): " + firstLine(c.Message)})
		default:
			a.rep.add(Check{What: WhatSignature, Ref: ref, Commit: c.Hash.String(), Result: Fail, Detail: reason(err) + " (a commit signed with this Space's key)"})
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
