package receipt

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/refusal"
)

// FuzzImport reads arbitrary bytes as a receipt bundle in a source Space
// that accepts receipts from prod: it must never panic, every refusal is
// a *refusal.Error, and nothing of a refused bundle stays in the object
// store. The seeds are a real bundle prod signed, cut and altered.
func FuzzImport(f *testing.F) {
	fx := newImportFixture(f)
	f.Add(fx.bundle)
	f.Add(fx.bundle[:len(fx.bundle)/2])
	f.Add(append(append([]byte{}, fx.bundle...), make([]byte, 1024)...))
	for _, at := range []int{100, 600, len(fx.bundle) - 2000} {
		b := append([]byte{}, fx.bundle...)
		b[at] ^= 0x20
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		env := fx.env(t)
		before := countObjects(t, env.Repo)
		v, err := Verify(env, bytes.NewReader(data), "fuzz.zreceipts")
		if err == nil {
			_, err = Stage(context.Background(), env, v)
		}
		if err == nil {
			return
		}
		var r *refusal.Error
		if !errors.As(err, &r) {
			t.Fatalf("refused with %T, not a *refusal.Error: %v", err, err)
		}
		if after := countObjects(t, env.Repo); after != before {
			t.Fatalf("a refused bundle left %d objects in the store", after-before)
		}
	})
}

type importFixture struct {
	source    *keys.Signer
	prodKey   []byte
	bundle    []byte
	sourceFPR string
}

// newImportFixture makes prod's key and a receipts chain in a prod
// repository, and exports it for devtest.
func newImportFixture(f testing.TB) *importFixture {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	gen := func(name string) (*keys.Signer, *openpgp.Entity) {
		e, err := keys.Generate(keys.GenerateOptions{Name: name, Time: now})
		if err != nil {
			f.Fatal(err)
		}
		s, err := keys.NewSigner(e)
		if err != nil {
			f.Fatal(err)
		}
		return s, e
	}
	devtest, _ := gen("devtest")
	prod, prodEntity := gen("prod")
	pub, err := keys.ArmorPublic(prodEntity)
	if err != nil {
		f.Fatal(err)
	}
	repo, err := gitstore.Init(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	who := object.Signature{Name: "prod", Email: "prod@example.com", When: now}
	err = repo.Transact(context.Background(), "receipt", func(tx *gitstore.Tx) error {
		_, err := Append(tx, prod, who, "prod", "web", "1.0.0", Origin{Source: "devtest", Revision: 1, Promotion: "0123456789abcdef0123456789abcdef01234567"},
			&ledger.DeploymentRecord{ID: "D-1", Environment: "Production", State: ledger.StateSuccess, Started: now, Finished: now}, "prod")
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	out := filepath.Join(f.TempDir(), "r.zreceipts")
	if _, err := Export(context.Background(), repo, prod, "prod", ExportOptions{Peer: "devtest", Fingerprint: devtest.Fingerprint(), Out: out, Now: now}); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		f.Fatal(err)
	}
	return &importFixture{source: devtest, prodKey: pub, bundle: data, sourceFPR: devtest.Fingerprint()}
}

// env is devtest, a fresh Space that accepts receipts from prod.
func (fx *importFixture) env(t *testing.T) *ImportEnv {
	repo, err := gitstore.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Space{
		Space:              &config.SpaceBlock{Name: "devtest"},
		Peers:              []*config.Peer{{Name: "prod", PublicKey: string(fx.prodKey), Accepts: []config.Ref{{Name: config.AcceptReceipts}}}},
		RemoteEnvironments: []*config.RemoteEnvironment{{Name: "Production", Space: config.Ref{Name: "prod"}}},
	}
	return &ImportEnv{Repo: repo, Signer: fx.source, Author: object.Signature{Name: "devtest", Email: "d@example.com", When: time.Now()},
		Now: time.Now(), Config: cfg, Fingerprint: fx.sourceFPR}
}

// countObjects counts the loose objects and packs of repo.
func countObjects(t *testing.T, repo *gitstore.Repo) int {
	n := 0
	err := filepath.WalkDir(filepath.Join(repo.CommonDir(), "objects"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return n
}
