package importer

import (
	"context"
	"errors"
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
	"github.com/zonectl/zonectl/internal/inbox"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/meter"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/store"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// Env is the target Space a bundle is imported into.
type Env struct {
	Repo   *gitstore.Repo
	Signer gitstore.Signer
	Store  *store.Store
	Author object.Signature
	Now    time.Time
	// Progress, if set, is told how far the long steps after reading
	// the bundle go: rebuilding a package from a delta.
	Progress meter.Progress
}

// Result says what an import did.
type Result struct {
	Manifest *zbundle.Manifest
	Signer   *keys.Signature
	InboxRef string
	Commit   plumbing.Hash
	// Again is true when this very bundle was imported before: nothing was
	// written.
	Again bool
	// PackagesWritten counts the packages whose bytes were new to the store.
	PackagesWritten int
}

// refuse makes a verification failure: the bundle is refused, exit 3.
func refuse(file, format string, args ...any) error {
	return &keys.VerificationError{What: "bundle " + file, Reason: fmt.Sprintf(format, args...)}
}

// Import verifies the release bundle in file and stages it. The checks,
// in order; a bundle failing any is refused (a *keys.VerificationError)
// and nothing is written anywhere:
//
//  1. the tar's first members are manifest.json and its signature, and
//     every member is of a kind and name a bundle holds;
//  2. the manifest is signed by a peer this Space accepts releases from,
//     with that peer's key, valid at the time of signing and not revoked,
//     for this document type only;
//  3. its schema is one this zonectl reads (a newer major version is
//     refused naming the version needed);
//  4. the target is this Space: its name and its key;
//  5. it has not expired;
//  6. its sequence number is not older than the last one imported from that
//     source (the same bundle again is a no-op, said so);
//  7. every file in the tar is one the manifest pins, with the size and
//     hash it pins, and nothing else is there;
//  8. the Git bundle's references and prerequisites are the ones pinned,
//     its references only the source's promotion of this project, and this
//     Space has every prerequisite.
//
// Then it stages, so that a crash at any point leaves the Space as before
// or as after: packages into the store by hash (unreferenced until a
// release names them), Git objects (unreachable until a ref points at
// them), then the inbox ref with a compare-and-swap, and last the ledger's
// record of the import, which makes the sequence number count.
func Import(ctx context.Context, env *Env, file string) (*Result, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return importAs(ctx, env, f, filepath.Base(file))
}

// ImportReader is Import for a bundle read from a stream (a file read
// with a progress count, parts read end to end), naming it as name in what
// it reports. Every byte of src is read, and every check passed, before
// anything is written: an error src returns, even at its very end,
// refuses the bundle.
func ImportReader(ctx context.Context, env *Env, src io.Reader, name string) (*Result, error) {
	return importAs(ctx, env, src, name)
}

// importAs is Import, reading the bundle from src and naming it as name in
// what it reports.
func importAs(ctx context.Context, env *Env, src io.Reader, name string) (*Result, error) {
	r, err := readBundle(&contextReader{ctx: ctx, r: src}, name) // 1
	if err != nil {
		return nil, err
	}
	cfg, err := mainConfig(env.Repo)
	if err != nil {
		return nil, err
	}
	m, sig, peer, err := verifySignature(r, cfg, name) // 2, 3
	if err != nil {
		return nil, err
	}
	if err := checkTarget(env.Repo, cfg, m, name); err != nil { // 4
		return nil, err
	}
	if !env.Now.Before(m.Expires) { // 5
		return nil, refuse(name, "it expired at %s; ask %s for a new bundle", m.Expires.Format(time.RFC3339), m.Source.Space)
	}
	again, err := checkSequence(env.Repo, m, name) // 6
	if err != nil {
		return nil, err
	}
	ref, err := inbox.Ref(peer.Name, m.Project, m.Version)
	if err != nil {
		return nil, refuse(name, "%v", err)
	}
	if again {
		return &Result{Manifest: m, Signer: sig, InboxRef: ref, Again: true}, nil
	}
	scratch, err := env.Store.TempDir("import")
	if err != nil {
		return nil, err
	}
	defer scratch.Remove()
	tmp := scratch.Path()
	// Packages this Space has are read and checked but not written: an
	// import of nothing new writes no package bytes.
	needed := map[string]bool{}
	for _, p := range m.Packages {
		if p.Data.Kind != zbundle.DataNone && !env.Store.Has(p.SHA256) {
			needed[p.Data.Path] = true
		}
	}
	// A package sent compressed is decompressed as its member is read, so
	// that the member itself is never written.
	unpacked := map[string]zbundle.Package{}
	for _, p := range m.Packages {
		if p.Data.Kind == zbundle.DataZstd && needed[p.Data.Path] {
			unpacked[p.Data.Path] = p
		}
	}
	extract := zbundle.ExtractOptions{
		Skip: func(name string) bool {
			return strings.HasPrefix(name, zbundle.PackageDir) && !needed[name]
		},
		Sink: func(name string) (io.WriteCloser, error) {
			p, ok := unpacked[name]
			if !ok {
				return nil, nil
			}
			return newUnpacker(unpackedPath(tmp, p), p.Size)
		},
	}
	if _, err := r.Extract(tmp, m, extract); err != nil { // 7
		return nil, refuseOrFail(name, err, "%v", err)
	}
	commit, err := checkGit(ctx, env.Repo, m, peer.Name, filepath.Join(tmp, zbundle.GitBundleName), name) // 8
	if err != nil {
		return nil, err
	}

	res := &Result{Manifest: m, Signer: sig, InboxRef: ref, Commit: commit}
	for _, p := range m.Packages {
		if have, err := env.Store.Get(p.ID, p.Version); err == nil && have.SHA256 != p.SHA256 {
			return nil, refuse(name, "package %s %s in this Space's store has other bytes (sha256 %s) than the bundle's (%s)", p.ID, p.Version, have.SHA256, p.SHA256)
		}
	}
	for _, p := range m.Packages {
		if p.Data.IsDelta() && !env.Store.Has(p.SHA256) && !env.Store.Has(p.Data.Basis.SHA256) {
			return nil, refuse(name, "package %s %s comes as a delta against %s %s (sha256 %s), which this Space's store does not have; ask %s for a --full bundle", p.ID, p.Version, p.Data.Basis.ID, p.Data.Basis.Version, p.Data.Basis.SHA256, m.Source.Space)
		}
	}
	for _, p := range m.Packages {
		if p.Data.IsDelta() && !env.Store.Has(p.SHA256) {
			if err := rebuild(ctx, env, p, filepath.Join(tmp, filepath.FromSlash(p.Data.Path)), tmp, m.Source.Space); err != nil {
				return nil, refuseOrFail(name, err, "package %s %s: %v", p.ID, p.Version, err)
			}
			res.PackagesWritten++
			continue
		}
		if p.Data.Kind == zbundle.DataZstd && !env.Store.Has(p.SHA256) {
			if err := env.Store.PutFile(ctx, unpackedPath(tmp, p), p.SHA256, p.Size); err != nil {
				return nil, refuseOrFail(name, err, "package %s %s: %v", p.ID, p.Version, err)
			}
			res.PackagesWritten++
			continue
		}
		if p.Data.Kind != zbundle.DataWhole || env.Store.Has(p.SHA256) {
			continue
		}
		// The extracted file moves into the store: written once, not twice.
		if err := env.Store.PutFile(ctx, filepath.Join(tmp, filepath.FromSlash(p.Data.Path)), p.SHA256, p.Size); err != nil {
			return nil, err
		}
		res.PackagesWritten++
	}
	for _, p := range m.Packages {
		if !env.Store.Has(p.SHA256) {
			return nil, refuse(name, "package %s %s (sha256 %s) is neither in the bundle nor in this Space's store", p.ID, p.Version, p.SHA256)
		}
	}
	// Name the packages in the store's index, so package list shows what
	// arrived; the bytes are there already, checked by hash.
	for _, p := range m.Packages {
		if err := indexPackage(env, p, m.Source.Space); err != nil {
			return nil, err
		}
	}
	gb, err := os.Open(filepath.Join(tmp, zbundle.GitBundleName))
	if err != nil {
		return nil, err
	}
	defer gb.Close()
	if _, err := bundle.Unbundle(ctx, gb, env.Repo.Objects(), bundle.UnbundleOptions{TempDir: tmp}); err != nil {
		return nil, refuseOrFail(name, err, "the Git bundle: %v", err)
	}

	if res.Again, err = stage(ctx, env, r, m, sig, peer.Name, ref, name); err != nil {
		return nil, err
	}
	return res, nil
}

// stage records a verified bundle whose packages and objects are written:
// the inbox ref and the ledger's record of the import, which makes the
// sequence number count, in one transaction. The sequence is checked
// again inside it, so two imports at once never record an older sequence
// after a newer one, nor the same bundle twice.
func stage(ctx context.Context, env *Env, r *zbundle.Reader, m *zbundle.Manifest, sig *keys.Signature, source, ref, name string) (again bool, err error) {
	tx, err := env.Repo.Begin(ctx, fmt.Sprintf("import %s %s from %s (sequence %d)", m.Project, m.Version, source, m.Sequence))
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if again, err := checkSequence(env.Repo, m, name); err != nil || again {
		return again, err
	}
	commit := plumbing.NewHash(m.Git.Refs[0].Hash)
	old, _, err := tx.Ref(ref)
	if err != nil {
		return false, err
	}
	if old != commit {
		if err := tx.Update(ref, commit, old); err != nil {
			return false, err
		}
	}
	_, err = ledger.Append(tx, env.Signer, env.Author, ledger.Event{
		Type: ledger.Import, Time: env.Now.UTC(), Who: fmt.Sprintf("%s <%s>", env.Author.Name, env.Author.Email),
		Project: m.Project, Version: m.Version, Release: commit.String(),
		Import: &ledger.ImportRecord{Source: source, SourceFingerprint: sig.Fingerprint, Sequence: m.Sequence, Revision: m.Revision,
			ManifestSHA256: manifestHash(r.Manifest()), InboxRef: ref},
	}, nil)
	if err != nil {
		return false, err
	}
	return false, tx.Commit()
}

// unpackedPath is where a package sent compressed is decompressed to,
// in the import's temporary directory.
func unpackedPath(tmp string, p zbundle.Package) string {
	return filepath.Join(tmp, "unpacked-"+p.SHA256)
}

// indexPackage records a staged package under its id and version. Its
// bytes are in the store already, checked by hash: only the index entry
// is written.
func indexPackage(env *Env, p zbundle.Package, source string) error {
	_, _, err := env.Store.Name(p.SHA256, p.Size, store.PushOptions{ID: p.ID, Version: p.Version, FileName: "imported from " + source, PushedBy: env.Author.Name, Now: env.Now})
	return err
}

func readBundle(f io.Reader, name string) (*zbundle.Reader, error) {
	r, err := zbundle.NewReader(f)
	if err != nil {
		return nil, refuse(name, "%v", err)
	}
	return r, nil
}

func mainConfig(repo *gitstore.Repo) (*config.Space, error) {
	main, err := repo.Main()
	if err != nil {
		return nil, err
	}
	return release.LoadConfig(repo, "main", main)
}

// verifySignature opens the manifest with the key of the peer it names
// as its source; only peers this Space accepts releases from count.
func verifySignature(r *zbundle.Reader, cfg *config.Space, name string) (*zbundle.Manifest, *keys.Signature, *config.Peer, error) {
	unverified, err := zbundle.ParseManifest(r.Manifest())
	if err != nil {
		return nil, nil, nil, asRefusal(name, err)
	}
	peer, v, err := releasePeer(cfg, unverified.Source.Space, "bundle "+name)
	if err != nil {
		return nil, nil, nil, err
	}
	m, sig, err := zbundle.OpenManifest(r.Manifest(), r.Signature(), v)
	if err != nil {
		return nil, nil, nil, asRefusal(name, err)
	}
	return m, sig, peer, nil
}

// releasePeer returns the peer named source and a verifier over its key,
// if this Space accepts releases from it; what says what is being
// verified, for the refusal.
func releasePeer(cfg *config.Space, source, what string) (*config.Peer, *keys.Verifier, error) {
	peer := cfg.Peer(source)
	if peer == nil || !peer.AcceptsKind(config.AcceptReleases) {
		var trusted []string
		for _, p := range cfg.Peers {
			if p.AcceptsKind(config.AcceptReleases) {
				trusted = append(trusted, fmt.Sprintf("%q", p.Name))
			}
		}
		if len(trusted) == 0 {
			trusted = []string{"none"}
		}
		return nil, nil, &keys.VerificationError{What: what, Reason: fmt.Sprintf("it claims to come from %q, which this Space does not accept releases from (it accepts releases from %s)", source, strings.Join(trusted, ", "))}
	}
	list, err := keys.ReadPublic(fmt.Sprintf("public_key of peer %q", peer.Name), []byte(peer.PublicKey))
	if err != nil {
		return nil, nil, err
	}
	return peer, keys.NewVerifier(openpgp.EntityList(list)), nil
}

// asRefusal keeps a verification error's own type (its message says what
// failed) and turns anything else about the bundle into a refusal.
func asRefusal(name string, err error) error {
	var ve *keys.VerificationError
	if errors.As(err, &ve) {
		return err
	}
	return refuse(name, "%v", err)
}

// checkTarget refuses a bundle for another Space, even one of the same
// name: the target's key must be this Space's.
func checkTarget(repo *gitstore.Repo, cfg *config.Space, m *zbundle.Manifest, name string) error {
	return checkTargetPeer(repo, cfg, m.Target, "bundle "+name)
}

// checkTargetPeer refuses what (a bundle, an index) for target unless
// target is this Space, by name and key.
func checkTargetPeer(repo *gitstore.Repo, cfg *config.Space, target zbundle.Peer, what string) error {
	if !strings.EqualFold(target.Space, cfg.Name()) {
		return &keys.VerificationError{What: what, Reason: fmt.Sprintf("it is for Space %q, and this is %q", target.Space, cfg.Name())}
	}
	own, err := ownFingerprint(repo, cfg.Name())
	if err != nil {
		return err
	}
	if target.Fingerprint != own {
		return &keys.VerificationError{What: what, Reason: fmt.Sprintf("it is for a Space named %q with key %s, and this Space's key is %s: another Space of the same name", target.Space, target.Fingerprint, own)}
	}
	return nil
}

func ownFingerprint(repo *gitstore.Repo, space string) (string, error) {
	data, err := os.ReadFile(filepath.Join(repo.Root(), "keys", space+".asc"))
	if err != nil {
		return "", err
	}
	list, err := keys.ReadPublic("keys/"+space+".asc", data)
	if err != nil {
		return "", err
	}
	return keys.Fingerprint(list[0]), nil
}

// checkSequence refuses a bundle older than the last one imported from its
// source; the very same bundle again is reported as already imported.
func checkSequence(repo *gitstore.Repo, m *zbundle.Manifest, name string) (again bool, err error) {
	entries, err := ledger.Events(repo)
	if err != nil {
		return false, err
	}
	var last *ledger.ImportRecord
	for _, e := range entries {
		if im := e.Event.Import; e.Event.Type == ledger.Import && im != nil && strings.EqualFold(im.Source, m.Source.Space) {
			if last == nil || im.Sequence > last.Sequence {
				last = im
			}
		}
	}
	switch {
	case last == nil || m.Sequence > last.Sequence:
		return false, nil
	case m.Sequence == last.Sequence && last.InboxRef != "" && sameRelease(entries, last, m):
		return true, nil
	}
	return false, refuse(name, "its sequence number %d is not newer than %d, the last imported from %s: a replay of an older bundle", m.Sequence, last.Sequence, m.Source.Space)
}

func sameRelease(entries []ledger.Entry, last *ledger.ImportRecord, m *zbundle.Manifest) bool {
	for _, e := range entries {
		if e.Event.Import == last {
			return strings.EqualFold(e.Event.Project, m.Project) && e.Event.Version == m.Version && last.Revision == m.Revision
		}
	}
	return false
}

// checkGit holds the Git bundle's header against the manifest: the same
// references and prerequisites, one reference, the source's promotion of
// this very project, and every prerequisite present here.
func checkGit(ctx context.Context, repo *gitstore.Repo, m *zbundle.Manifest, source, path, name string) (plumbing.Hash, error) {
	f, err := os.Open(path)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer f.Close()
	hdr, err := bundle.ReadHeader(bufioReader(f))
	if err != nil {
		return plumbing.ZeroHash, refuse(name, "release.bundle: %v", err)
	}
	if err := m.Git.CheckHeader(hdr); err != nil {
		return plumbing.ZeroHash, refuse(name, "%v", err)
	}
	for _, p := range hdr.Prerequisites {
		if _, err := repo.Git().CommitObject(p.Hash); err != nil {
			return plumbing.ZeroHash, refuse(name, "it builds on commit %s, which this Space does not have: import the earlier bundles from %s first, or ask for a full one", p.Hash, source)
		}
	}
	if len(hdr.References) != 1 {
		return plumbing.ZeroHash, refuse(name, "release.bundle holds %d references; a release bundle holds one", len(hdr.References))
	}
	return hdr.References[0].Hash, nil
}
