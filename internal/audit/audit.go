package audit

import (
	"context"
	"fmt"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
)

// auditor carries what the steps of Run share.
type auditor struct {
	repo *gitstore.Repo
	cfg  *config.Space
	own  *keys.Verifier
	st   *store.Store
	rep  *Report
	// fetch brings a missing package into st (Options.Fetch); nil to
	// look in st alone.
	fetch func(ctx context.Context, p snapshot.PackageRef) error
	ctx   context.Context
	// pending are signatures queued to be checked at once (verify);
	// settle, once they are being checked, waits for them and records
	// the results.
	pending []pendingSignature
	settle  func()
	// releases are the release commits read, by hash.
	releases map[string]*release.Loaded

	refs     []*plumbing.Reference // every hash ref, sorted by name
	refNames map[string]bool       // the names of refs
	verified map[plumbing.Hash]bool
	events   []ledger.Entry
	blobs    map[string]error // sha256 → the result of re-hashing it
}

// Run audits the Space in repo, whose configuration is cfg, whose own
// public key is ownKey and whose package store is st. The steps, in order:
//
//  0. Transactions: no interrupted transaction is pending, and every ref
//     points at an object the repository holds.
//  1. Signatures: every commit reachable from refs/zonectl/releases/*,
//     refs/zonectl/promotions/* and refs/zonectl/receipts/* verifies with
//     the Space's key; refs/zonectl/ledger's first-parent chain with the
//     Space's key and the history merged into it with the keys of the peers
//     this Space accepts receipts from; refs/zonectl/inbox/<source>/* and
//     refs/zonectl/peers/<source>/receipts with that peer's key. On main,
//     commits signed with the Space's key are zonectl's and must verify;
//     unsigned commits, and commits signed by other keys, are people's
//     edits and are reported for information.
//  2. The ledger is read; an unreadable event is a failure.
//  3. Packages: every package in the store's index re-hashes to its entry;
//     every package a release pins or a deployment recorded re-hashes to
//     the pinned SHA-256 and size. A package missing from the store fails
//     when a deployment recorded it or the index lists it, and is reported
//     for information otherwise (a release never deployed here). With
//     Options.Fetch, a package missing from the clone's store is fetched
//     from the registry the Space keeps it on first, and re-hashed here.
//  4. Logs: each deployment's log.txt hashes to its log_sha256.
//  5. Ledger references: every event's release commit exists, every
//     deployment's release exists, every acceptance's inbox commit exists.
//  6. The auditor's view: each successful deployment in a verified ledger
//     commit, with its approvals, packages and, for an imported release,
//     its origin.
//  7. Releases: the tip of every release ref is recorded in the ledger.
//
// Findings go into the Report; Run returns an error only when the
// repository or the store cannot be read.
func Run(repo *gitstore.Repo, cfg *config.Space, ownKey *openpgp.Entity, st *store.Store) (*Report, error) {
	return RunWith(context.Background(), repo, cfg, ownKey, st, Options{})
}

// Options are what an audit may use beyond the clone.
type Options struct {
	// Fetch, if set, brings a package's bytes into the store from where
	// the Space keeps them (internal/feeds), before they are re-hashed.
	Fetch func(ctx context.Context, p snapshot.PackageRef) error
}

// RunWith is Run with opts; ctx stops what it fetches.
func RunWith(ctx context.Context, repo *gitstore.Repo, cfg *config.Space, ownKey *openpgp.Entity, st *store.Store, opts Options) (*Report, error) {
	if repo == nil || cfg == nil || ownKey == nil || st == nil {
		return nil, fmt.Errorf("audit: repository, configuration, key and store are all needed")
	}
	a := &auditor{
		repo:     repo,
		cfg:      cfg,
		own:      keys.NewVerifier(openpgp.EntityList{ownKey}),
		st:       st,
		fetch:    opts.Fetch,
		ctx:      ctx,
		rep:      &Report{Checks: []Check{}, Deployments: []Deployment{}},
		verified: map[plumbing.Hash]bool{},
		blobs:    map[string]error{},
	}
	if err := a.loadRefs(); err != nil {
		return nil, err
	}
	for _, step := range []func() error{
		a.checkTransactions,     // 0.
		a.checkRefsReadable,     // 0.
		a.checkSignatures,       // 1.
		a.readLedger,            // 2.
		a.checkPackages,         // 3.
		a.checkLogs,             // 4.
		a.checkReferences,       // 5.
		a.settleSignatures,      // 1., checked meanwhile
		a.buildView,             // 6.
		a.checkReleasesRecorded, // 7.
	} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return a.rep, nil
}

func (a *auditor) loadRefs() error {
	refs, err := a.repo.RefsUnder("refs/")
	if err != nil {
		return fmt.Errorf("audit: list refs: %w", err)
	}
	a.refNames = map[string]bool{}
	for _, r := range refs {
		a.refs = append(a.refs, plumbing.NewHashReference(plumbing.ReferenceName(r.Name), r.Hash))
		a.refNames[r.Name] = true
	}
	return nil
}

// readLedger reads the ledger's events (step 2).
func (a *auditor) readLedger() error {
	events, err := ledger.Events(a.repo)
	if err != nil {
		a.rep.add(Check{What: WhatLedger, Ref: ledger.Ref, Result: Fail, Detail: fmt.Sprintf("cannot read the ledger's events: %v", err)})
		return nil
	}
	a.events = events
	return nil
}
