package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
)

var testNow = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// space is a repository on disk with the key that signs its ledger.
type space struct {
	repo    *gitstore.Repo
	signer  *keys.Signer
	keyring openpgp.EntityList // the public key only, as a peer holds it
}

func newSpace(t testing.TB) *space {
	t.Helper()
	repo, err := gitstore.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e, err := keys.Generate(keys.GenerateOptions{Name: "devtest", Time: testNow.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := keys.NewSigner(e)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.ArmorPublic(e)
	if err != nil {
		t.Fatal(err)
	}
	keyring, err := keys.ReadPublic("devtest.asc", pub)
	if err != nil {
		t.Fatal(err)
	}
	return &space{repo: repo, signer: signer, keyring: keyring}
}

func author() object.Signature {
	return object.Signature{Name: "Release Engineer", Email: "re@example.com", When: testNow}
}

func (s *space) append(t testing.TB, ev ledger.Event, extra ...gitstore.File) plumbing.Hash {
	t.Helper()
	h, err := appendOnce(s.repo, s.signer, ev, extra...)
	if err != nil {
		t.Fatalf("Append(%s): %v", ledger.Summary(ev), err)
	}
	return h
}

// commitRaw puts a commit with the given files on the ledger ref without
// going through Append, as a damaged or foreign ledger would have.
func (s *space) commitRaw(t testing.TB, files ...gitstore.File) plumbing.Hash {
	t.Helper()
	tree, err := s.repo.WriteTree(files)
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.repo.Commit(context.Background(), gitstore.CommitOptions{
		Ref: ledger.Ref, Tree: tree, Message: "not an event\n", Author: author(), Signer: s.signer,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (s *space) verifier() gitstore.Verifier {
	return keys.VerifyFunc(keys.NewVerifier(s.keyring).VerifyOK)
}

// appendOnce appends ev in a transaction of its own.
func appendOnce(repo *gitstore.Repo, signer gitstore.Signer, ev ledger.Event, extra ...gitstore.File) (plumbing.Hash, error) {
	tx, err := repo.Begin(context.Background(), "test append")
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer tx.Rollback()
	h, err := ledger.Append(tx, signer, author(), ev, extra)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return h, tx.Commit()
}
