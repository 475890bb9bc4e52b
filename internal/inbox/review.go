package inbox

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/receipt"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/semver"
	"github.com/zonectl/zonectl/internal/snapshot"
)

// Review is what a person checks before accepting an imported release:
// what changed since the last release of the project accepted here, and
// which template values this Space still has to supply.
type Review struct {
	Entry     *Entry          `json:"-"`
	Previous  *release.Loaded `json:"-"`
	Diff      *snapshot.Diff  `json:"diff"`
	Lifecycle string          `json:"lifecycle,omitempty"` // the binding's, "" before the first acceptance
	Missing   []Missing       `json:"missing"`
	// Environments are those the values were checked for; none when the
	// Space declares none yet, and then nothing was checked.
	Environments []string `json:"environments"`
}

// ReviewRelease compares a release in the inbox with the last accepted
// release of its project (the same version when this is a re-promotion,
// else the highest version), and lists the missing template values for
// the lifecycle the binding chooses, or this Space's every environment
// before there is a binding.
//
// Sensitive values arrive encrypted anew with every promotion, so their
// ciphertexts always differ; with decrypt set, they are compared by what
// they hold instead (as keyed hashes of the plain values, which are shown
// nowhere and leave no trace).
func ReviewRelease(repo *gitstore.Repo, project, version string, decrypt func(string) (string, error)) (*Review, error) {
	main, err := repo.Main()
	if err != nil {
		return nil, err
	}
	cfg, err := release.LoadConfig(repo, "main", main)
	if err != nil {
		return nil, err
	}
	entry, err := Find(repo, project, version)
	if err != nil {
		return nil, err
	}
	r := &Review{Entry: entry}
	prev, err := lastAccepted(repo, entry.Release.Project, version)
	if err != nil {
		return nil, err
	}
	r.Previous = prev
	old := snapshot.Side{}
	newVars := &entry.Variables
	if prev != nil {
		oldVars := &prev.Variables
		if decrypt != nil {
			key := make([]byte, 32)
			if _, err := rand.Read(key); err != nil {
				return nil, err
			}
			if oldVars, err = comparableSecrets(oldVars, decrypt, key); err != nil {
				return nil, err
			}
			if newVars, err = comparableSecrets(newVars, decrypt, key); err != nil {
				return nil, err
			}
		}
		old = snapshot.Side{Process: &prev.Process, Variables: oldVars, Packages: prev.Release.Packages}
	}
	r.Diff = snapshot.Compare(old, snapshot.Side{Process: &entry.Process, Variables: newVars, Packages: entry.Release.Packages})
	im := cfg.Import(entry.Release.Project)
	if im != nil {
		r.Lifecycle = im.Lifecycle.Name
	}
	r.Missing = MissingValues(cfg, entry.Release.Project, r.Lifecycle, &entry.Variables, FromBinding(im))
	if r.Missing == nil {
		r.Missing = []Missing{}
	}
	if r.Environments = ValueEnvironments(cfg, r.Lifecycle); r.Environments == nil {
		r.Environments = []string{}
	}
	return r, nil
}

// lastAccepted finds the accepted release to compare with: this version
// if it was accepted before, else the highest accepted version.
func lastAccepted(repo *gitstore.Repo, project, version string) (*release.Loaded, error) {
	rels, err := release.List(repo, project)
	if err != nil {
		return nil, err
	}
	var best *release.Loaded
	for _, l := range rels {
		if l.Release.ImportedFrom == nil {
			continue
		}
		if l.Release.Version == version {
			return l, nil
		}
		if best == nil || semver.Newer(l.Release.Version, best.Release.Version) {
			best = l
		}
	}
	return best, nil
}

// Reject records that an imported release is refused, with the reason,
// in the ledger; the inbox keeps the release for the record, and a later
// revision can still be accepted.
func Reject(ctx context.Context, env *Env, project, version, reason string) (*Entry, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, fmt.Errorf("give the reason for rejecting %s %s with --reason", project, version)
	}
	entry, err := Find(env.Repo, project, version)
	if err != nil {
		return nil, err
	}
	revision := 0
	if entry.Release.Promoted != nil {
		revision = entry.Release.Promoted.Revision
	}
	err = env.Repo.Transact(ctx, fmt.Sprintf("reject %s %s", entry.Release.Project, version), func(tx *gitstore.Tx) error {
		who := fmt.Sprintf("%s <%s>", env.Author.Name, env.Author.Email)
		_, err := ledger.Append(tx, env.Signer, env.Author, ledger.Event{
			Type: ledger.Rejection, Time: env.Now.UTC(), Who: who,
			Project: entry.Release.Project, Version: version, Release: entry.Commit.String(),
			Acceptance: &ledger.AcceptanceRecord{Source: entry.Source, InboxCommit: entry.Commit.String(), Revision: revision, Reason: reason},
		}, nil)
		if err != nil {
			return err
		}
		// The source learns of the rejection through the receipts chain.
		_, err = receipt.Append(tx, env.Signer, env.Author, env.Name, entry.Release.Project, version,
			receipt.Origin{Source: entry.Source, Revision: revision, Promotion: entry.Commit.String()},
			&ledger.DeploymentRecord{State: receipt.StateRejected, Started: env.Now.UTC(), Finished: env.Now.UTC()}, who)
		return err
	})
	return entry, err
}

// comparableSecrets returns vars with every sensitive value replaced by a
// keyed hash of its plain text: equal secrets compare equal however they
// were encrypted, and the hash, keyed by a random key used once, reveals
// nothing. The diff never shows sensitive values in any case.
func comparableSecrets(vars *snapshot.Variables, decrypt func(string) (string, error), key []byte) (*snapshot.Variables, error) {
	out := *vars
	out.Variables = make([]snapshot.Variable, len(vars.Variables))
	for i, v := range vars.Variables {
		out.Variables[i] = v
		if !v.Sensitive {
			continue
		}
		vals := make([]snapshot.Value, len(v.Values))
		for j, val := range v.Values {
			vals[j] = val
			if val.Value == "" {
				continue
			}
			plain, err := decrypt(val.Value)
			if err != nil {
				return nil, fmt.Errorf("compare a value of sensitive variable %q: %w", v.Name, err)
			}
			mac := hmac.New(sha256.New, key)
			mac.Write([]byte(plain))
			vals[j].Value = hex.EncodeToString(mac.Sum(nil))
		}
		out.Variables[i].Values = vals
	}
	return &out, nil
}
