package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/audit"
	"github.com/zonectl/zonectl/internal/canonjson"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
)

func genKey(t *testing.T, name string) *openpgp.Entity {
	t.Helper()
	e, err := keys.Generate(keys.GenerateOptions{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func signer(t *testing.T, e *openpgp.Entity) *keys.Signer {
	t.Helper()
	s, err := keys.NewSigner(e)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// commit writes a signed commit holding an event on ref.
func commit(t *testing.T, repo *gitstore.Repo, ref string, s gitstore.Signer, typ string, extra ...plumbing.Hash) plumbing.Hash {
	t.Helper()
	data, err := canonjson.Encode(ledger.Event{Schema: ledger.Schema, Type: typ, Time: time.Now().UTC(), Who: "t", Project: "web", Version: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := repo.WriteTree([]gitstore.File{{Path: "event.json", Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := repo.Commit(context.Background(), gitstore.CommitOptions{
		Ref: ref, Tree: tree, ExtraParents: extra, Message: typ,
		Author: object.Signature{Name: "t", Email: "t@example.com", When: time.Now()}, Signer: s,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestMergedLedgerHistory: receipts merged into the ledger are signed by
// the peer and verify with its key only when the Space accepts receipts
// from that peer.
func TestMergedLedgerHistory(t *testing.T) {
	own, peer := genKey(t, "devtest"), genKey(t, "prod")
	repo, err := gitstore.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	commit(t, repo, ledger.Ref, signer(t, own), "note")
	receipt := commit(t, repo, "refs/zonectl/peers/prod/receipts", signer(t, peer), "receipt")
	merge := commit(t, repo, ledger.Ref, signer(t, own), "receipts", receipt)

	armored, err := keys.ArmorPublic(peer)
	if err != nil {
		t.Fatal(err)
	}
	trusting := &config.Space{Peers: []*config.Peer{{Name: "prod", PublicKey: string(armored), Accepts: []config.Ref{{Name: config.AcceptReceipts}}}}}

	for _, tc := range []struct {
		name     string
		cfg      *config.Space
		failures int
	}{
		{"peer trusted for receipts", trusting, 0},
		// The receipt fails twice: merged into the ledger, and on the
		// peer's receipts ref.
		{"no peer", &config.Space{}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := audit.Run(repo, tc.cfg, own, st)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Summary.Failures != tc.failures {
				t.Fatalf("failures = %d, want %d: %+v", rep.Summary.Failures, tc.failures, rep.Failures())
			}
			for _, c := range rep.Failures() {
				if c.Commit != receipt.String() {
					t.Errorf("failure names commit %s, want the receipt %s: %+v", c.Commit, receipt, c)
				}
			}
			var mergeOK bool
			for _, c := range rep.Checks {
				if c.Commit == merge.String() && c.What == audit.WhatSignature && c.Result == audit.Pass {
					mergeOK = true
				}
			}
			if !mergeOK {
				t.Errorf("the merge commit %s, signed by the Space, was not verified", merge)
			}
		})
	}
}

// TestMissingDeployedPackage: a package a deployment recorded fails when
// the store lacks it; a release's package never deployed is information.
func TestMissingDeployedPackage(t *testing.T) {
	own := genKey(t, "devtest")
	repo, err := gitstore.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pkg := snapshot.PackageRef{ID: "web", Version: "1.0.0", SHA256: strings.Repeat("ab", 32), Size: 3}
	ev := ledger.Event{Type: ledger.Deployment, Who: "t", Project: "web", Version: "1.0.0",
		Deployment: &ledger.DeploymentRecord{ID: "D-1", Environment: "Test", State: ledger.StateSuccess, Packages: []ledger.PackageRef{pkg}}}
	author := object.Signature{Name: "t", Email: "t@example.com", When: time.Now()}
	tx, err := repo.Begin(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := ledger.Append(tx, signer(t, own), author, ev, nil); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Run(repo, &config.Space{}, own, st)
	if err != nil {
		t.Fatal(err)
	}
	var missing bool
	for _, c := range rep.Failures() {
		if c.What == audit.WhatPackage && strings.Contains(c.Detail, "missing from the store") && strings.Contains(c.Detail, "web 1.0.0") {
			missing = true
		}
	}
	if !missing {
		t.Errorf("no failure for the deployed package missing from the store: %+v", rep.Failures())
	}
}
