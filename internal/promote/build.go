package promote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore/bundle"
	"github.com/zonectl/zonectl/internal/ctxio"
	"github.com/zonectl/zonectl/internal/meter"
	"github.com/zonectl/zonectl/internal/receipt"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// BuildOptions says how to write a release bundle.
type BuildOptions struct {
	Out      string        // the .zbundle file to create; it must not exist
	Lifetime time.Duration // how long the bundle may be imported; zbundle.DefaultLifetime when 0
	// Full sends everything, even what earlier bundles to the target
	// carried.
	Full bool
	// Progress, if set, is told how far each long step has gone: making a
	// package's delta, compressing it, writing the bundle.
	Progress meter.Progress
	// Split, when more than 0, cuts the bundle into parts of Split bytes
	// (at least parts.MinSize) beside Out, Out.part001 and on, with a
	// signed index, Out.index, instead of writing Out: see
	// internal/parts. The parts end to end are the bundle Out would be.
	Split int64
}

// Build writes the release bundle of a recorded promotion: the Git bundle
// of the promotion commit, the packages the release pins, and the manifest
// that pins them all, signed by this Space for the target. The file (or,
// with opts.Split, the set of parts and its index) appears whole or not at
// all.
//
// Unless opts.Full, a bundle builds on what the target has: the
// promotions and packages its receipts name when it has sent receipts,
// else the previous promotion sent to it and what that carried. The Git
// bundle is thin against those commits and those packages are not sent
// again. A target that never imported those refuses the bundle,
// naming what it lacks; --full then makes one that stands alone.
func Build(ctx context.Context, env *Env, p *Promotion, st *store.Store, opts BuildOptions) (*zbundle.Manifest, error) {
	if p.Commit.IsZero() {
		return nil, errors.New("the promotion is not recorded yet")
	}
	if opts.Lifetime == 0 {
		opts.Lifetime = zbundle.DefaultLifetime
	}
	out, err := newSink(opts, env.Signer)
	if err != nil {
		return nil, err
	}
	defer out.abort()
	dir := filepath.Dir(opts.Out)
	gitTmp, err := os.CreateTemp(dir, ".release.bundle.*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(gitTmp.Name())
	defer gitTmp.Close()
	h := sha256.New()
	var exclude []plumbing.Hash
	sent := map[string]snapshot.PackageRef{}
	if !opts.Full {
		if exclude, sent, err = knownToTarget(env, p); err != nil {
			return nil, err
		}
	}
	hdr, err := bundle.Create(ctx, io.MultiWriter(gitTmp, h), env.Repo.Git().Storer, bundle.CreateOptions{
		Refs:    []bundle.Reference{{Name: p.Ref, Hash: p.Commit}},
		Exclude: exclude,
	})
	if err != nil {
		return nil, fmt.Errorf("write the Git bundle: %w", err)
	}
	gitSize, err := gitTmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	m := newManifest(env, p, hdr, hex.EncodeToString(h.Sum(nil)), gitSize, opts.Lifetime)
	total := gitSize
	made := map[string]string{} // member → the temporary file holding it (a delta, a compressed package)
	for _, pk := range p.Release.Release.Packages {
		if !st.Has(pk.SHA256) {
			return nil, fmt.Errorf("package %s %s (sha256 %s) is not in the package store; push it again before promoting", pk.ID, pk.Version, pk.SHA256)
		}
		if _, ok := sent[pk.SHA256]; ok {
			m.Packages = append(m.Packages, zbundle.Package{PackageRef: manifestRef(pk), Data: zbundle.PackageData{Kind: zbundle.DataNone}})
			continue
		}
		data, file, err := packageData(ctx, st, pk, sent, dir, opts.Progress)
		if err != nil {
			return nil, err
		}
		if file != "" {
			defer os.Remove(file)
			made[data.Path] = file
		}
		size, _ := data.Member(pk.Size, pk.SHA256)
		total += size
		m.Packages = append(m.Packages, zbundle.Package{PackageRef: manifestRef(pk), Data: data})
	}
	data, sig, err := zbundle.SealManifest(m, env.Signer)
	if err != nil {
		return nil, err
	}

	progress := opts.Progress.Step("writing "+filepath.Base(opts.Out), total)
	w, err := zbundle.NewWriter(out, data, sig)
	if err != nil {
		return nil, err
	}
	if _, err := gitTmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if err := w.AddFile(zbundle.GitBundleName, gitSize, &meter.Reader{R: gitTmp, Add: progress}); err != nil {
		return nil, err
	}
	if err := addPackages(ctx, w, m, made, st, progress); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := out.commit(m, data); err != nil {
		return nil, err
	}
	return m, nil
}

// newManifest is the manifest of p's bundle, its packages still to add:
// who sends it to whom, what it is, and the Git bundle written with hdr.
func newManifest(env *Env, p *Promotion, hdr *bundle.Header, gitSHA256 string, gitSize int64, lifetime time.Duration) *zbundle.Manifest {
	m := &zbundle.Manifest{
		Source:   zbundle.Peer{Space: env.Name, Fingerprint: env.Signer.Fingerprint()},
		Target:   zbundle.Peer{Space: p.Target, Fingerprint: p.TargetFingerprint},
		Project:  p.Release.Release.Project,
		Version:  p.Release.Release.Version,
		Revision: p.Revision,
		Sequence: p.Sequence,
		Created:  env.Now.UTC().Truncate(time.Second),
		Git: zbundle.Git{
			BundleSHA256:  gitSHA256,
			BundleSize:    gitSize,
			ObjectFormat:  "sha1",
			Refs:          []zbundle.GitRef{},
			Prerequisites: []string{},
		},
		Packages: []zbundle.Package{},
	}
	m.Expires = m.Created.Add(lifetime)
	for _, r := range hdr.References {
		m.Git.Refs = append(m.Git.Refs, zbundle.GitRef{Name: r.Name, Hash: r.Hash.String()})
	}
	for _, pr := range hdr.Prerequisites {
		m.Git.Prerequisites = append(m.Git.Prerequisites, pr.Hash.String())
	}
	return m
}

// addPackages writes the package members of m, each once: from the file
// made for it (a delta, a compressed copy) or from the store.
func addPackages(ctx context.Context, w *zbundle.Writer, m *zbundle.Manifest, made map[string]string, st *store.Store, progress func(int64)) error {
	added := map[string]bool{}
	for _, pk := range m.Packages {
		if err := ctx.Err(); err != nil {
			return err
		}
		if pk.Data.Kind == zbundle.DataNone || added[pk.Data.Path] {
			continue
		}
		added[pk.Data.Path] = true
		var (
			r   io.ReadCloser
			err error
		)
		size, _ := pk.Data.Member(pk.Size, pk.SHA256)
		if file, ok := made[pk.Data.Path]; ok {
			r, err = os.Open(file)
		} else {
			r, err = st.Open(pk.SHA256)
		}
		if err != nil {
			return err
		}
		// A package can take minutes to copy: stop mid-way when cancelled.
		err = w.AddFile(pk.Data.Path, size, &meter.Reader{R: ctxio.NewReader(ctx, r), Add: progress})
		r.Close()
		if err != nil {
			return fmt.Errorf("add package %s %s: %w", pk.ID, pk.Version, err)
		}
	}
	return nil
}

// manifestRef is pk as a manifest pins it: its bytes, by ID, version,
// SHA-256 and size. Where the source keeps them (Feed, Digest) names the
// source's registries, which mean nothing to the target, and stays out;
// release.json in the Git bundle still says it.
func manifestRef(pk snapshot.PackageRef) zbundle.PackageRef {
	return zbundle.PackageRef{ID: pk.ID, Version: pk.Version, SHA256: pk.SHA256, Size: pk.Size}
}

// knownToTarget says what the target is known to have, for a thin bundle:
// the promotion commits and packages its receipts name, when it has sent
// receipts back; else, by assumption, the previous promotion sent to it and
// everything that carried.
func knownToTarget(env *Env, p *Promotion) ([]plumbing.Hash, map[string]snapshot.PackageRef, error) {
	entries, err := receipt.Merged(env.Repo, p.Target)
	if err != nil {
		return nil, nil, err
	}
	if len(entries) > 0 {
		var commits []plumbing.Hash
		seen := map[string]bool{}
		pkgs := map[string]snapshot.PackageRef{}
		for _, e := range entries {
			for _, pk := range e.Packages {
				pkgs[pk.SHA256] = pk
			}
			if e.Promotion != "" && !seen[e.Promotion] {
				seen[e.Promotion] = true
				commits = append(commits, plumbing.NewHash(e.Promotion))
			}
		}
		return commits, pkgs, nil
	}
	if p.Parent.IsZero() {
		return nil, map[string]snapshot.PackageRef{}, nil
	}
	pkgs, err := sentPackages(env, p.Parent)
	return []plumbing.Hash{p.Parent}, pkgs, err
}

// sentPackages lists the hashes of the packages earlier promotions on the
// same chain carried to the target.
func sentPackages(env *Env, tip plumbing.Hash) (map[string]snapshot.PackageRef, error) {
	sent := map[string]snapshot.PackageRef{}
	for h := tip; !h.IsZero(); {
		l, err := release.LoadCommit(env.Repo, "promotion "+h.String(), h)
		if err != nil {
			return nil, err
		}
		for _, pk := range l.Release.Packages {
			sent[pk.SHA256] = pk
		}
		c, err := env.Repo.Git().CommitObject(h)
		if err != nil {
			return nil, err
		}
		h = plumbing.ZeroHash
		if c.NumParents() > 0 {
			h = c.ParentHashes[0]
		}
	}
	return sent, nil
}
