package receipt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/gitstore/bundle"
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/envelope"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/release"
)

// PeerRef is where a source keeps the receipts it verified from a peer.
func PeerRef(peer string) string { return "refs/zonectl/peers/" + strings.ToLower(peer) + "/receipts" }

// ImportEnv is the source Space taking receipts back.
type ImportEnv struct {
	Repo        *gitstore.Repo
	Signer      gitstore.Signer
	Author      object.Signature
	Now         time.Time
	Config      *config.Space
	Fingerprint string // this Space's key
}

// ImportResult says what a receipt import did.
type ImportResult struct {
	Peer  string
	New   []Entry // receipts new here, oldest first
	Again bool    // nothing new: the bundle was imported before
	Merge plumbing.Hash
}

// Import verifies a receipt bundle (Verify) and merges its receipts into
// the ledger (Stage). The peer's commits are merged as they are: none is
// rewritten, so stock git still verifies each with the peer's key.
func Import(ctx context.Context, env *ImportEnv, file string) (*ImportResult, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := Verify(env, f, filepath.Base(file))
	if err != nil {
		return nil, err
	}
	return Stage(ctx, env, v)
}

// Verified is a receipt bundle whose envelope passed Verify: all Stage
// takes.
type Verified struct {
	// consume, when set, is the incoming ref the bundle came on, deleted
	// by Stage's transaction.
	consume  *gitstore.NamedRef
	name     string
	peer     string
	manifest Manifest
	verifier *keys.Verifier
	git      []byte
}

// Verify runs the checks of a receipt bundle's envelope, in order; a
// bundle failing one is refused (a *refusal.Error) and nothing is
// written:
//
//  1. the tar holds manifest.json, its signature and receipts.bundle, in
//     that order, each within its size limit, and nothing else;
//  2. the manifest is signed, for this document type, by a peer this
//     Space accepts receipts from, with that peer's key;
//  3. it is for this Space: its name and its key;
//  4. receipts.bundle hashes to what the manifest pins, and its one
//     reference is the manifest's tip.
//
// Stage checks the receipts themselves, against what was merged before.
func Verify(env *ImportEnv, src io.Reader, name string) (*Verified, error) {
	files, err := members(src, name) // 1
	if err != nil {
		return nil, err
	}
	v := &Verified{name: name, git: files[GitBundleName]}
	if err := v.checkSignature(env, files); err != nil { // 2
		return nil, err
	}
	m := &v.manifest
	if !strings.EqualFold(m.Target.Space, env.Config.Name()) || m.Target.Fingerprint != env.Fingerprint { // 3
		return nil, refuse(name, "it is for Space %q with key %s, not this one (%q, %s)", m.Target.Space, m.Target.Fingerprint, env.Config.Name(), env.Fingerprint)
	}
	sum := sha256.Sum256(v.git) // 4
	if hex.EncodeToString(sum[:]) != m.Git.BundleSHA256 || int64(len(v.git)) != m.Git.BundleSize {
		return nil, refuse(name, "receipts.bundle does not hash to what the manifest pins")
	}
	if len(m.Git.Refs) != 1 || m.Git.Refs[0].Hash != m.Tip {
		return nil, refuse(name, "the manifest's tip is not its Git bundle's one reference")
	}
	return v, nil
}

// checkSignature is Verify's check 2.
func (v *Verified) checkSignature(env *ImportEnv, files map[string][]byte) error {
	var claimed Manifest
	if err := json.Unmarshal(files[ManifestName], &claimed); err != nil {
		return refuse(v.name, "malformed manifest: %v", err)
	}
	peer := env.Config.Peer(claimed.Source.Space)
	if peer == nil || !peer.AcceptsKind(config.AcceptReceipts) {
		return refuse(v.name, "it claims to come from %q, which this Space does not accept receipts from", claimed.Source.Space)
	}
	list, err := keys.ReadPublic("public_key of peer "+peer.Name, []byte(peer.PublicKey))
	if err != nil {
		return err
	}
	v.peer, v.verifier = peer.Name, keys.NewVerifier(openpgp.EntityList(list))
	_, err = envelope.Open(ManifestName, files[ManifestName], files[SignatureName], envelope.TypeReceiptManifest, ManifestSchema, v.verifier, &v.manifest)
	return err
}

// Stage merges verified receipts into the ledger in one transaction that
// reads what was merged before, checks the new receipts against it, and
// moves both refs; two imports at once merge each receipt once. The
// checks, refused (a *refusal.Error) with no ref written:
//
//  5. the chain from the tip back to the receipt merged before (or to its
//     start) is linear, every commit signed by the peer, the positions
//     counting down by one with no gap, and it contains what was merged
//     before: nothing was rewritten or reordered;
//  6. every new receipt is for a release from this Space that it promoted
//     to the peer, naming only packages that promotion sent.
func Stage(ctx context.Context, env *ImportEnv, v *Verified) (*ImportResult, error) {
	var res *ImportResult
	err := env.Repo.Transact(ctx, "receipt import from "+v.peer, func(tx *gitstore.Tx) error {
		var err error
		res, err = stage(ctx, tx, env, v)
		return err
	})
	return res, err
}

// stage is Stage within tx.
func stage(ctx context.Context, tx *gitstore.Tx, env *ImportEnv, v *Verified) (*ImportResult, error) {
	res := &ImportResult{Peer: v.peer}
	if v.consume != nil {
		if err := tx.Delete(v.consume.Name, v.consume.Hash); err != nil {
			return nil, err
		}
	}
	ackRef := PeerRef(v.peer)
	ack, _, err := tx.Ref(ackRef)
	if err != nil {
		return nil, err
	}
	if ack.String() == v.manifest.Tip {
		res.Again = true
		return res, nil
	}
	if _, err := bundle.Unbundle(ctx, bytes.NewReader(v.git), env.Repo.Objects(), bundle.UnbundleOptions{}); err != nil {
		return nil, refuse(v.name, "receipts.bundle: %v", err)
	}
	tip := plumbing.NewHash(v.manifest.Tip)
	chain, err := verifyChain(env.Repo, tip, ack, keys.VerifyFunc(v.verifier.VerifyOK), v.name) // 5
	if err != nil {
		return nil, err
	}
	for _, e := range chain { // 6
		if err := checkReceipt(env, v.peer, e, v.name); err != nil {
			return nil, err
		}
	}
	if len(chain) == 0 {
		res.Again = true
		return res, nil
	}
	res.New = chain
	if err := tx.Update(ackRef, tip, ack); err != nil {
		return nil, err
	}
	res.Merge, err = ledger.Merge(tx, env.Signer, env.Author, ledger.Event{
		Type: ledger.Receipts, Time: env.Now.UTC(), Who: fmt.Sprintf("%s <%s>", env.Author.Name, env.Author.Email),
		Receipts: &ledger.ReceiptsRecord{Peer: v.peer, Tip: v.manifest.Tip, First: chain[0].Position, Last: chain[len(chain)-1].Position},
	}, tip)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// verifyChain walks the chain from tip back to the receipt merged before
// (ack), or to its start, checking each commit's signature and that the
// positions count down by one without a gap; it returns the receipts new
// here, oldest first. A chain that does not contain ack rewrote or
// reordered what was merged before.
func verifyChain(repo *gitstore.Repo, tip, ack plumbing.Hash, v gitstore.Verifier, name string) ([]Entry, error) {
	var out []Entry
	next := 0
	for h := tip; ; {
		if h == ack {
			break
		}
		if h.IsZero() {
			if !ack.IsZero() {
				return nil, refuse(name, "the chain does not contain receipt %s, merged before: it was rewritten or reordered", ack)
			}
			break
		}
		if err := repo.VerifyCommit(h, v); err != nil {
			return nil, refuse(name, "receipt commit %s: %v", h, err)
		}
		r, err := read(repo, h)
		if err != nil {
			return nil, refuse(name, "%v", err)
		}
		if next != 0 && r.Position != next-1 {
			return nil, refuse(name, "receipt %d follows receipt %d: a receipt is missing or out of order", next, r.Position)
		}
		next = r.Position
		out = append(out, Entry{Commit: h, Receipt: *r})
		c, err := repo.Git().CommitObject(h)
		if err != nil {
			return nil, err
		}
		if c.NumParents() > 1 {
			return nil, refuse(name, "receipt commit %s is a merge; a receipt chain is linear", h)
		}
		h = plumbing.ZeroHash
		if c.NumParents() == 1 {
			h = c.ParentHashes[0]
		}
	}
	if len(out) > 0 {
		first := out[len(out)-1].Position
		want := 1
		if !ack.IsZero() {
			prev, err := read(repo, ack)
			if err != nil {
				return nil, err
			}
			want = prev.Position + 1
		}
		if first != want {
			return nil, refuse(name, "the first new receipt is number %d, and %d was expected: a receipt is missing", first, want)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// checkReceipt refuses a receipt for a release this Space did not promote
// to the peer, or with package hashes other than what was sent.
func checkReceipt(env *ImportEnv, peer string, e Entry, name string) error {
	if !strings.EqualFold(e.Source, env.Config.Name()) {
		return refuse(name, "receipt %d is for releases from %q, not from this Space", e.Position, e.Source)
	}
	h := plumbing.NewHash(e.Promotion)
	sent, err := release.LoadCommit(env.Repo, "promotion "+e.Promotion, h)
	if err != nil || sent.Release.Promoted == nil || !strings.EqualFold(sent.Release.Promoted.Target, peer) ||
		!strings.EqualFold(sent.Release.Project, e.Project) || sent.Release.Version != e.Version {
		return refuse(name, "receipt %d is for %s %s from promotion %s, which this Space never sent to %s", e.Position, e.Project, e.Version, e.Promotion, peer)
	}
	pinned := map[string]bool{}
	for _, p := range sent.Release.Packages {
		pinned[p.SHA256] = true
	}
	for _, p := range e.Packages {
		if !pinned[p.SHA256] {
			return refuse(name, "receipt %d says package %s %s (sha256 %s) was deployed, which is not what this Space sent", e.Position, p.ID, p.Version, p.SHA256)
		}
	}
	return nil
}

// Merged reads the receipts a source has verified from a peer, oldest
// first.
func Merged(repo *gitstore.Repo, peer string) ([]Entry, error) {
	return chainFrom(repo, PeerRef(peer))
}
