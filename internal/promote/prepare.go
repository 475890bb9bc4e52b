package promote

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/lifecycle"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/snapshot"
)

// Env is the source Space a promotion leaves from.
type Env struct {
	Repo   *gitstore.Repo
	Signer *keys.Signer
	// Name is this Space's name, the bundle's source.
	Name string
	// Key is the source's private key, to decrypt sensitive values before
	// they are re-encrypted to the target.
	Key    *openpgp.Entity
	Author object.Signature
	Now    time.Time
}

// Options says which release goes where.
type Options struct {
	Project string
	Version string
	Target  string
}

// Validate checks the options before anything is read.
func (o Options) Validate() error {
	switch {
	case o.Project == "":
		return errors.New("no project given")
	case o.Version == "":
		return errors.New("no release version given")
	case o.Target == "":
		return errors.New("no target Space given: pass --to SPACE")
	}
	return nil
}

// Promotion is a release made ready for one target: the sliced snapshot
// and where it goes. Prepare makes it without writing anything; Record
// commits it.
type Promotion struct {
	Release            *release.Loaded
	Target             string // the peer's name as declared
	TargetFingerprint  string
	TargetKey          *openpgp.Entity
	TargetEnvironments []string
	Process            *snapshot.Process
	Variables          *snapshot.Variables
	Ref                string // refs/zonectl/promotions/<target>/<project>

	// Set by Record.
	Commit   plumbing.Hash
	Parent   plumbing.Hash // the snapshot sent before, zero for the first
	Revision int
	Sequence uint64
}

// RefusedError is a promotion the rules forbid: nothing was written.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

func refusef(format string, args ...any) error {
	return &RefusedError{Err: fmt.Errorf(format, args...)}
}

// Prepare checks that a release may be promoted to a target and slices it
// for the target:
//
//  1. the target is a peer of this Space, with a usable public key;
//  2. this Space has remote environments owned by the target;
//  3. the release's lifecycle has reached a phase holding one of them;
//  4. the snapshot is sliced for them, secrets re-encrypted to the target.
func Prepare(env *Env, opts Options) (*Promotion, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	main, err := env.Repo.Main()
	if err != nil {
		return nil, err
	}
	cfg, err := release.LoadProjectConfig(env.Repo, "main", main, opts.Project)
	if err != nil {
		return nil, err
	}
	peer := cfg.Peer(opts.Target)
	if peer == nil {
		if hint := config.DidYouMean(opts.Target, cfg.PeerNames()); hint != "" {
			return nil, refusef("%q is not a peer of this Space.%s", opts.Target, hint)
		}
		return nil, refusef("%q is not a peer of this Space; trust it first with `zonectl peer add %s --key FILE --accepts receipts`", opts.Target, opts.Target)
	}
	list, err := keys.ReadPublic(fmt.Sprintf("public_key of peer %q", peer.Name), []byte(peer.PublicKey))
	if err != nil {
		return nil, err
	}
	rel, err := release.Load(env.Repo, opts.Project, opts.Version)
	if err != nil {
		return nil, err
	}
	envs := targetEnvironments(cfg, peer.Name)
	if len(envs) == 0 {
		return nil, refusef("this Space has no remote environment owned by %q: declare one (remote_environment \"Production\" { space = %q }) and put it in the lifecycle", peer.Name, peer.Name)
	}
	if err := checkLifecycle(env.Repo, cfg, rel, peer.Name, envs); err != nil {
		return nil, err
	}
	proc, vars, err := Slice(&rel.Process, &rel.Variables, SliceOptions{
		Environments: envs,
		Reencrypt: func(c string) (string, error) {
			if env.Key == nil {
				return "", errors.New("the Space's private key is needed to re-encrypt it")
			}
			plain, err := keys.Decrypt(c, env.Key)
			if err != nil {
				return "", err
			}
			return keys.Encrypt(plain, list[:1])
		},
	})
	if err != nil {
		return nil, err
	}
	return &Promotion{
		Release: rel, Target: peer.Name, TargetFingerprint: keys.Fingerprint(list[0]), TargetKey: list[0],
		TargetEnvironments: envs, Process: proc, Variables: vars,
		Ref: release.PromotionRef(peer.Name, rel.Release.Project),
	}, nil
}

// targetEnvironments lists this Space's remote environments owned by the
// target, in declaration order.
func targetEnvironments(cfg *config.Space, target string) []string {
	var out []string
	for _, re := range cfg.RemoteEnvironments {
		if strings.EqualFold(re.Space.Name, target) {
			out = append(out, re.Name)
		}
	}
	return out
}

// checkLifecycle refuses a promotion the release's lifecycle does not
// allow yet, saying what it still needs.
func checkLifecycle(repo *gitstore.Repo, cfg *config.Space, rel *release.Loaded, target string, envs []string) error {
	l := cfg.Lifecycle(rel.Release.Lifecycle)
	if l == nil {
		return refusef("release %s %s follows lifecycle %q, which main no longer declares", rel.Release.Project, rel.Release.Version, rel.Release.Lifecycle)
	}
	lc := lifecycle.New(l, lifecycle.SpaceEnvironments(cfg))
	history, err := deploy.History(repo, rel.Release.Project, rel.Release.Version)
	if err != nil {
		return err
	}
	results := history.Results()
	var firstErr error
	for _, tenant := range tenantsIn(results) {
		for _, e := range envs {
			err := lc.CheckPromotion(e, tenant, results)
			if err == nil {
				return nil
			}
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return &RefusedError{Err: fmt.Errorf("release %s %s cannot go to %s yet: %w", rel.Release.Project, rel.Release.Version, target, firstErr)}
}

// tenantsIn lists the untenanted progression and every tenant's that the
// history holds: a release may be promoted once any of them allows it.
func tenantsIn(results []lifecycle.Result) []string {
	seen := map[string]bool{"": true}
	out := []string{""}
	for _, r := range results {
		if !seen[strings.ToLower(r.Tenant)] {
			seen[strings.ToLower(r.Tenant)] = true
			out = append(out, r.Tenant)
		}
	}
	sort.Strings(out[1:])
	return out
}

// Claim writes the sliced snapshot as a signed commit on top of the
// snapshot sent to the target before (so the next bundle can be thin),
// with the promotion's revision and its sequence number for this source
// and target, and moves no ref: the commit stays unreachable until Record.
// The bundle is built from it in between, so a promotion is never
// recorded without its bundle.
func (p *Promotion) Claim(ctx context.Context, env *Env) error {
	if err := p.claimSequence(ctx, env); err != nil {
		return err
	}
	var err error
	p.Parent, _, err = env.Repo.Ref(p.Ref)
	if err != nil {
		return err
	}
	rel := p.Release.Release
	rel.Promoted = &release.Promoted{Target: p.Target, TargetFingerprint: p.TargetFingerprint, Revision: p.Revision, Sequence: p.Sequence}
	files, err := release.Files(rel, p.Process, p.Variables)
	if err != nil {
		return err
	}
	tree, err := env.Repo.WriteTree(files)
	if err != nil {
		return err
	}
	p.Commit, err = env.Repo.WriteCommit(gitstore.CommitOptions{
		Ref:     p.Ref,
		Tree:    tree,
		Message: fmt.Sprintf("Promote %s %s to %s (revision %d)\n\nSliced for %s; sequence %d.\n", rel.Project, rel.Version, p.Target, p.Revision, strings.Join(p.TargetEnvironments, ", "), p.Sequence),
		Author:  env.Author,
		Signer:  env.Signer,
	}, p.Parent)
	return err
}

// nextNumbers returns the revision of this release's next promotion to
// p's target and the next sequence number to that target.
func nextNumbers(repo *gitstore.Repo, p *Promotion) (revision int, sequence uint64, err error) {
	peers, err := ledger.PeersAt(repo)
	if err != nil {
		return 0, 0, err
	}
	rs, err := ledger.ReleaseAt(repo, p.Release.Release.Project, p.Release.Release.Version)
	if err != nil {
		return 0, 0, err
	}
	target := strings.ToLower(p.Target)
	return rs.Promotions[target] + 1, peers.Sent[target] + 1, nil
}

// ConflictError is Record's refusal when another promotion to the same
// target was recorded after Claim: the bundle built meanwhile carries a
// sequence number that is no longer this promotion's.
type ConflictError struct {
	Target   string
	Sequence uint64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("another promotion to %s was recorded meanwhile with a later sequence number than this one's (%d), which would now arrive out of order", e.Target, e.Sequence)
}

// Record records a claimed promotion whose bundle is written (and pushed,
// when it is pushed): the promotion ref moves to the commit Claim wrote
// and the ledger records the promotion with the bundle's hash, in one
// transaction. It refuses with a *ConflictError, recording nothing, when
// another promotion to the target was recorded since Claim.
//
// placing, when not empty, lists the bundle's files built in a scratch
// directory and where they go; the transaction moves them there once the
// promotion is recorded, or the next command does after a crash.
func (p *Promotion) Record(ctx context.Context, env *Env, bundleSHA256 string, placing ...Move) error {
	if p.Commit.IsZero() {
		return errors.New("the promotion is not claimed yet")
	}
	rel := p.Release.Release
	what := fmt.Sprintf("promote %s %s to %s (sequence %d)", rel.Project, rel.Version, p.Target, p.Sequence)
	return env.Repo.Transact(ctx, what, func(tx *gitstore.Tx) error {
		return p.record(tx, env, bundleSHA256, placing)
	})
}

// record is Record within tx.
func (p *Promotion) record(tx *gitstore.Tx, env *Env, bundleSHA256 string, placing []Move) error {
	rel := p.Release.Release
	revision, sequence, err := nextNumbers(env.Repo, p)
	if err != nil {
		return err
	}
	if revision != p.Revision || sequence > p.Sequence {
		return &ConflictError{Target: p.Target, Sequence: p.Sequence}
	}
	if err := tx.Update(p.Ref, p.Commit, p.Parent); err != nil {
		var conflict *gitstore.RefConflictError
		if errors.As(err, &conflict) {
			return &ConflictError{Target: p.Target, Sequence: p.Sequence}
		}
		return err
	}
	if len(placing) > 0 {
		env.Repo.HandleAfter(AfterPlacing, ApplyPlacing)
		if err := tx.After(AfterPlacing, Placing{Files: placing}); err != nil {
			return err
		}
	}
	_, err = ledger.Append(tx, env.Signer, env.Author, ledger.Event{
		Type: ledger.Promotion, Time: env.Now.UTC(), Who: fmt.Sprintf("%s <%s>", env.Author.Name, env.Author.Email),
		Project: rel.Project, Version: rel.Version, Release: p.Release.Commit.String(),
		Promotion: &ledger.PromotionRecord{
			Target: p.Target, TargetFingerprint: p.TargetFingerprint, Commit: p.Commit.String(),
			Revision: p.Revision, Sequence: p.Sequence, BundleSHA256: bundleSHA256,
		},
	}, nil)
	return err
}
