package importer

import (
	"context"
	"fmt"
	"github.com/zonectl/zonectl/internal/release"
	"os"
	"strings"
	"time"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/gitstore/bundle"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/store"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// Stage writes a verified bundle into the Space, so that a crash at any
// point leaves it as before or as after:
//
//  1. the packages the store lacks, by hash (a delta rebuilt and checked,
//     a compressed one decompressed; unreferenced and unnamed until the
//     transaction);
//  2. the Git objects, as a pack written whole (unreachable until a ref
//     points at them);
//  3. one transaction: the sequence checked again, the inbox ref, the
//     ledger's record of the import, which makes the sequence number
//     count, and, once those are published, the packages' entries in the
//     store's index. Two imports at once never record an older sequence after a
//     newer one, nor the same bundle twice.
func Stage(ctx context.Context, env *Env, v *Verified) (*Result, error) {
	res := &Result{Manifest: v.Manifest, Signer: v.Signer, InboxRef: v.InboxRef, Commit: v.Commit, Again: v.Again}
	if v.Again {
		if v.consume != nil {
			return res, env.Repo.DeleteRef(v.consume.Name, v.consume.Hash)
		}
		return res, nil
	}
	// The Git bundle is checked in a quarantine first: nothing of a
	// refused bundle reaches the object store, nor a package the store.
	q, err := env.Repo.Quarantine()
	if err != nil {
		return nil, err
	}
	gb, err := os.Open(v.path(zbundle.GitBundleName))
	if err != nil {
		return nil, err
	}
	defer gb.Close()
	if _, err := bundle.Unbundle(ctx, gb, q.Objects(), bundle.UnbundleOptions{TempDir: v.dir.Path()}); err != nil {
		return nil, refuseOrFail(v.Name, "the Git bundle", err)
	}
	if err := checkRelease(q.Repo, v); err != nil {
		return nil, err
	}
	n, err := storePackages(ctx, env, v)
	if err != nil {
		return nil, err
	}
	res.PackagesWritten = n
	if env.Publish != nil {
		pkgs := make([]zbundle.PackageRef, len(v.Manifest.Packages))
		for i, p := range v.Manifest.Packages {
			pkgs[i] = p.PackageRef
		}
		if v.published, err = env.Publish(ctx, pkgs); err != nil {
			return nil, fmt.Errorf("the packages could not be published, and nothing was imported: %w", err)
		}
		res.Published = v.published
	}
	if err := q.Keep(); err != nil {
		return nil, err
	}
	if res.Again, err = record(ctx, env, v); err != nil {
		return nil, err
	}
	return res, nil
}

// checkRelease refuses a Git bundle whose one reference is not a
// well-formed release, the one the manifest names, sliced for this Space:
// the inbox takes nothing else (no other repository's commits, no ref to
// a blob).
func checkRelease(repo *gitstore.Repo, v *Verified) error {
	m := v.Manifest
	l, err := release.LoadCommit(repo, "the release in release.bundle", v.Commit)
	if err != nil {
		return refuse(v.Name, "release.bundle's reference %s is not a release: %v", v.Commit, err)
	}
	r := l.Release
	switch {
	case r.Project != m.Project || r.Version != m.Version:
		return refuse(v.Name, "the manifest says %s %s, but the release in release.bundle is %s %s", m.Project, m.Version, r.Project, r.Version)
	case r.Promoted == nil || !strings.EqualFold(r.Promoted.Target, m.Target.Space):
		return refuse(v.Name, "the release in release.bundle was not sliced for this Space")
	case r.Promoted.Revision != m.Revision || r.Promoted.Sequence != m.Sequence:
		return refuse(v.Name, "the release in release.bundle is revision %d, sequence %d; the manifest says revision %d, sequence %d", r.Promoted.Revision, r.Promoted.Sequence, m.Revision, m.Sequence)
	}
	return nil
}

// storePackages puts the packages the store lacks into it, by hash; it
// returns how many packages' bytes were new. They are named in the store's
// index by the transaction (record), so that package list shows them only
// once the import happened.
func storePackages(ctx context.Context, env *Env, v *Verified) (int, error) {
	m, st := v.Manifest, env.Store
	written := 0
	for _, p := range m.Packages {
		if st.Has(p.SHA256) {
			continue
		}
		var err error
		switch {
		case p.Data.IsDelta():
			err = rebuild(ctx, env, p, v.path(p.Data.Path), v.dir.Path(), m.Source.Space)
		case p.Data.Kind == zbundle.DataZstd:
			err = st.PutFile(ctx, v.unpackedPath(p), p.SHA256, p.Size)
		case p.Data.Kind == zbundle.DataWhole:
			// The extracted file moves into the store: written once.
			err = st.PutFile(ctx, v.path(p.Data.Path), p.SHA256, p.Size)
		default:
			return written, refuse(v.Name, "package %s %s (sha256 %s) is neither in the bundle nor in this Space's store", p.ID, p.Version, p.SHA256)
		}
		if err != nil {
			return written, refuseOrFail(v.Name, fmt.Sprintf("package %s %s", p.ID, p.Version), err)
		}
		written++
	}
	return written, nil
}

// record is Stage's transaction.
func record(ctx context.Context, env *Env, v *Verified) (again bool, err error) {
	m := v.Manifest
	err = env.Repo.Transact(ctx, fmt.Sprintf("import %s %s from %s (sequence %d)", m.Project, m.Version, v.Source, m.Sequence), func(tx *gitstore.Tx) error {
		var err error
		again, err = recordIn(tx, env, v)
		return err
	})
	return again, err
}

// recordIn is record's transaction.
func recordIn(tx *gitstore.Tx, env *Env, v *Verified) (again bool, err error) {
	m := v.Manifest
	if v.consume != nil {
		if err := tx.Delete(v.consume.Name, v.consume.Hash); err != nil {
			return false, err
		}
	}
	if again, err := checkSequence(env.Repo, m, v.Name); err != nil || again {
		if again && err == nil {
			return true, nil // imported meanwhile: only the incoming ref goes
		}
		return again, err
	}
	old, _, err := tx.Ref(v.InboxRef)
	if err != nil {
		return false, err
	}
	if old != v.Commit {
		if err := tx.Update(v.InboxRef, v.Commit, old); err != nil {
			return false, err
		}
	}
	naming := store.Naming{Dir: env.Store.Dir()}
	for _, p := range m.Packages {
		naming.Packages = append(naming.Packages, store.Package{ID: p.ID, Version: p.Version, SHA256: p.SHA256, Size: p.Size,
			FileName: "imported from " + m.Source.Space, PushedBy: env.Author.Name, PushedAt: env.Now.UTC().Truncate(time.Second)})
	}
	env.Repo.HandleAfter(store.AfterNaming, store.ApplyNaming)
	if err := tx.After(store.AfterNaming, naming); err != nil {
		return false, err
	}
	_, err = ledger.Append(tx, env.Signer, env.Author, ledger.Event{
		Type: ledger.Import, Time: env.Now.UTC(), Who: fmt.Sprintf("%s <%s>", env.Author.Name, env.Author.Email),
		Project: m.Project, Version: m.Version, Release: v.Commit.String(),
		Import: &ledger.ImportRecord{Source: v.Source, SourceFingerprint: v.Signer.Fingerprint, Sequence: m.Sequence, Revision: m.Revision,
			ManifestSHA256: v.manifestSHA256, InboxRef: v.InboxRef, Published: v.published},
	}, nil)
	if err != nil {
		return false, err
	}
	return false, nil
}
