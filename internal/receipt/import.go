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
	// Older is set with Again when the bundle is older than what was
	// merged (a file replayed): its receipts were all merged before.
	Older bool
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
//     that order, each within its size limit, and nothing else, in the
//     one tar dialect zonectl writes (package ustar): a changed byte in a
//     header or in padding is refused like one in a member;
//  2. the manifest is signed, for this document type, by a peer this
//     Space accepts receipts from, with that peer's key;
//  3. it is for this Space: its name and its key; its tar headers carry
//     the manifest's creation time;
//  4. receipts.bundle hashes to what the manifest pins, and its one
//     reference is the manifest's tip.
//
// Stage checks the receipts themselves, against what was merged before.
func Verify(env *ImportEnv, src io.Reader, name string) (*Verified, error) {
	files, mtime, err := members(src, name) // 1
	if err != nil {
		return nil, err
	}
	v := &Verified{name: name, git: files[GitBundleName]}
	if err := v.checkSignature(env, files); err != nil { // 2
		return nil, err
	}
	m := &v.manifest
	if want := m.Created.UTC().Truncate(time.Second); !mtime.Equal(want) {
		return nil, refuse(name, "its tar headers are dated %s, but the manifest was created %s", mtime.UTC().Format(time.RFC3339), want.Format(time.RFC3339))
	}
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
	v.peer, v.verifier = peer.Name, keys.NewVerifier(openpgp.EntityList(list)).Owned(fmt.Sprintf("peer %q", peer.Name))
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
	// What the peer sent stays in a quarantine until every check passed:
	// a refused bundle leaves nothing in the object store.
	q, err := env.Repo.Quarantine()
	if err != nil {
		return nil, err
	}
	if _, err := bundle.Unbundle(ctx, bytes.NewReader(v.git), q.Objects(), bundle.UnbundleOptions{}); err != nil {
		return nil, refuse(v.name, "receipts.bundle: %v", err)
	}
	tip := plumbing.NewHash(v.manifest.Tip)
	if older, err := q.Repo.IsAncestor(tip, ack); err == nil && older && !ack.IsZero() {
		res.Again, res.Older = true, true // an older file again
		return res, nil
	}
	chain, err := verifyChain(q.Repo, tip, ack, keys.VerifyFunc(v.verifier.VerifyOK), v.name) // 5
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
	if err := q.Keep(); err != nil {
		return nil, err
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
		r, err := readSent(repo, h)
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

// clockSkew is how far in the future a receipt's times may be: the
// peer's clock and ours differ a little.
const clockSkew = 5 * time.Minute

// checkReceipt refuses a receipt that this Space cannot vouch for: one
// naming a promotion this Space did not sign and send to the peer (looked
// up on this Space's own chain of promotions to it, never as any commit
// the repository happens to hold: the bundle can carry commits of its
// own), or saying what the peer cannot say.
func checkReceipt(env *ImportEnv, peer string, e Entry, name string) error {
	switch {
	case !strings.EqualFold(e.Source, env.Config.Name()):
		return refuse(name, "receipt %d is for releases from %q, not from this Space", e.Position, e.Source)
	case !strings.EqualFold(e.Target, peer):
		return refuse(name, "receipt %d says it was deployed by %q, but %s sent it", e.Position, e.Target, peer)
	}
	sent, err := promotionSent(env, peer, e)
	if err != nil {
		return refuse(name, "receipt %d: %v", e.Position, err)
	}
	if err := checkReported(env, peer, e); err != nil {
		return refuse(name, "receipt %d: %v", e.Position, err)
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

// promotionSent is the promotion the receipt names, if it is on this
// Space's chain of promotions of the project to peer, for that release
// and revision.
func promotionSent(env *ImportEnv, peer string, e Entry) (*release.Loaded, error) {
	ref := release.PromotionRef(peer, e.Project)
	tip, ok, err := env.Repo.Ref(ref)
	if err != nil {
		return nil, err
	}
	h := plumbing.NewHash(e.Promotion)
	if ok {
		ok, err = env.Repo.IsAncestor(h, tip)
		if err != nil {
			return nil, err
		}
	}
	if !ok {
		return nil, fmt.Errorf("it is for %s %s from promotion %s, which this Space never sent to %s (it is not on %s)", e.Project, e.Version, e.Promotion, peer, ref)
	}
	sent, err := release.LoadCommit(env.Repo, "promotion "+e.Promotion, h)
	if err != nil {
		return nil, err
	}
	p := sent.Release.Promoted
	switch {
	case p == nil || !strings.EqualFold(p.Target, peer) || !strings.EqualFold(sent.Release.Project, e.Project) || sent.Release.Version != e.Version:
		return nil, fmt.Errorf("it is for %s %s, but promotion %s sent %s %s", e.Project, e.Version, e.Promotion, sent.Release.Project, sent.Release.Version)
	case p.Revision != e.Revision:
		return nil, fmt.Errorf("it says revision %d, but promotion %s is revision %d", e.Revision, e.Promotion, p.Revision)
	}
	return sent, nil
}

// deploymentStates are the states a deployment's receipt may carry; an
// acceptance or rejection carries its own, with no environment.
var deploymentStates = map[string]bool{ledger.StateSuccess: true, ledger.StateFailed: true, ledger.StateWaiting: true}

// checkReported refuses what the peer cannot report: a state outside the
// documented set, an environment that is not one of the peer's as this
// Space knows them, times out of order or in the future.
func checkReported(env *ImportEnv, peer string, e Entry) error {
	switch {
	case e.State == StateAccepted || e.State == StateRejected:
		if e.Environment != "" {
			return fmt.Errorf("an %s names environment %q", strings.ToLower(e.State), e.Environment)
		}
	case deploymentStates[e.State]:
		re := env.Config.RemoteEnvironment(e.Environment)
		if re == nil || !strings.EqualFold(re.Space.Name, peer) {
			return fmt.Errorf("it reports a deployment to %q, which is not an environment of %s here (a remote_environment with space = %q)", e.Environment, peer, peer)
		}
	default:
		return fmt.Errorf("state %q is none of Success, Failed, Waiting, Accepted, Rejected", e.State)
	}
	limit := env.Now.Add(clockSkew)
	switch {
	case e.Started.After(limit) || e.Finished.After(limit):
		return fmt.Errorf("it is dated in the future (started %s, finished %s)", e.Started.Format(time.RFC3339), e.Finished.Format(time.RFC3339))
	case !e.Finished.IsZero() && e.Finished.Before(e.Started):
		return fmt.Errorf("it finished (%s) before it started (%s)", e.Finished.Format(time.RFC3339), e.Started.Format(time.RFC3339))
	}
	return nil
}

// Merged reads the receipts a source has verified from a peer, oldest
// first.
func Merged(repo *gitstore.Repo, peer string) ([]Entry, error) {
	return chainFrom(repo, PeerRef(peer))
}
