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
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/meter"
	"github.com/zonectl/zonectl/internal/refusal"
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
	// Publish, if set, puts the bundle's packages, in Store by then, on
	// this zone's registries before the import is recorded: a failure
	// records nothing. What it returns is recorded with the import.
	Publish func(ctx context.Context, pkgs []zbundle.PackageRef) ([]ledger.Published, error)
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
	// Published is where the packages were published (Env.Publish).
	Published []ledger.Published
}

// refuse makes a verification failure: the bundle is refused, exit 3.
func refuse(file, format string, args ...any) error {
	return &refusal.Error{What: "bundle " + file, Reason: fmt.Sprintf(format, args...)}
}

// Import verifies the release bundle in file (Verify) and stages it
// (Stage). A bundle failing a check is refused (a *refusal.Error)
// and nothing is written to the Space.
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
// what it reports. Every way a bundle arrives (a file, split parts, a
// push) comes through here.
func importAs(ctx context.Context, env *Env, src io.Reader, name string) (*Result, error) {
	v, err := Verify(ctx, env, src, name)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	return Stage(ctx, env, v)
}

func mainConfig(repo *gitstore.Repo) (*config.Space, error) {
	main, err := repo.Main()
	if err != nil {
		return nil, err
	}
	return release.LoadConfig(repo, "main", main)
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
		return nil, nil, &refusal.Error{What: what, Reason: fmt.Sprintf("it claims to come from %q, which this Space does not accept releases from (it accepts releases from %s)", source, strings.Join(trusted, ", "))}
	}
	list, err := keys.ReadPublic(fmt.Sprintf("public_key of peer %q", peer.Name), []byte(peer.PublicKey))
	if err != nil {
		return nil, nil, err
	}
	return peer, keys.NewVerifier(openpgp.EntityList(list)).Owned(fmt.Sprintf("peer %q", peer.Name)), nil
}

// asRefusal keeps a verification error's own type (its message says what
// failed) and turns anything else about the bundle into a refusal.
func asRefusal(name string, err error) error {
	var ve *refusal.Error
	if errors.As(err, &ve) {
		return err
	}
	return refuseErr(name, "", err)
}

// checkTargetPeer refuses what (a bundle, an index) for target unless
// target is this Space, by name and key.
func checkTargetPeer(repo *gitstore.Repo, cfg *config.Space, target zbundle.Peer, what string) error {
	if !strings.EqualFold(target.Space, cfg.Name()) {
		return &refusal.Error{What: what, Reason: fmt.Sprintf("it is for Space %q, and this is %q", target.Space, cfg.Name())}
	}
	own, err := ownFingerprint(repo, cfg.Name())
	if err != nil {
		return err
	}
	if target.Fingerprint != own {
		return &refusal.Error{What: what, Reason: fmt.Sprintf("it is for a Space named %q with key %s, and this Space's key is %s: another Space of the same name", target.Space, target.Fingerprint, own)}
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

// MaxSequenceJump bounds how far a bundle's sequence number may pass the
// last one imported from its source: numbers claimed and never used leave
// gaps, never millions.
const MaxSequenceJump = 1 << 20

// checkSequence refuses a bundle older than the last one imported from its
// source; the very same bundle again is reported as already imported.
func checkSequence(repo *gitstore.Repo, m *zbundle.Manifest, name string) (again bool, err error) {
	peers, err := ledger.PeersAt(repo)
	if err != nil {
		return false, err
	}
	last := peers.Imported[strings.ToLower(m.Source.Space)]
	var from uint64
	if last != nil {
		from = last.Record.Sequence
	}
	switch {
	case m.Sequence > from+MaxSequenceJump:
		// Every later bundle must be newer: a number this high would lock
		// the source out for good.
		return false, refuse(name, "its sequence number %d is more than %d past %d, the last imported from %s; a source numbers its promotions one by one, and a number this high would refuse every later bundle", m.Sequence, MaxSequenceJump, from, m.Source.Space)
	case last == nil || m.Sequence > from:
		return false, nil
	case m.Sequence == from && last.Record.InboxRef != "" && sameRelease(last, m):
		return true, nil
	}
	return false, refuse(name, "its sequence number %d is not newer than %d, the last imported from %s: a replay of an older bundle, or one that arrived after a newer one (bundles from a source are imported in the order of their sequence numbers; ask %s for a new promotion of %s %s)", m.Sequence, from, m.Source.Space, m.Source.Space, m.Project, m.Version)
}

// sameRelease says whether the last import from a source was of m's
// release, at m's revision.
func sameRelease(last *ledger.ImportState, m *zbundle.Manifest) bool {
	return strings.EqualFold(last.Project, m.Project) && last.Version == m.Version && last.Record.Revision == m.Revision
}
