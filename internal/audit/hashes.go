package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
)

// checkPackages is step 3.
func (a *auditor) checkPackages() error {
	deployed := map[string]bool{}
	for _, e := range a.events {
		if d := e.Event.Deployment; e.Event.Type == ledger.Deployment && d != nil {
			for _, p := range d.Packages {
				deployed[p.SHA256] = true
			}
		}
	}

	pkgs, err := a.st.List()
	if err != nil {
		return fmt.Errorf("audit: read the package store: %w", err)
	}
	for _, p := range pkgs {
		ref := snapshot.PackageRef{ID: p.ID, Version: p.Version, SHA256: p.SHA256, Size: p.Size}
		if err := a.checkBlob("in the store's index", "", "", ref, true); err != nil {
			return err
		}
	}

	for _, r := range a.refs {
		name := r.Name().String()
		inbox := strings.HasPrefix(name, inboxPrefix)
		if !strings.HasPrefix(name, releasesPrefix) && !inbox {
			continue
		}
		l, err := release.LoadCommit(a.repo, name, r.Hash())
		if err != nil {
			a.rep.add(Check{What: WhatRelease, Ref: name, Commit: r.Hash().String(), Result: Fail, Detail: fmt.Sprintf("release cannot be read: %v", err)})
			continue
		}
		where := fmt.Sprintf("pinned by release %s %s", l.Release.Project, l.Release.Version)
		if inbox {
			where = fmt.Sprintf("pinned by imported release %s %s (in the inbox)", l.Release.Project, l.Release.Version)
		}
		for _, p := range l.Release.Packages {
			if err := a.checkBlob(where, name, r.Hash().String(), p, deployed[p.SHA256]); err != nil {
				return err
			}
		}
	}

	for _, e := range a.events {
		d := e.Event.Deployment
		if e.Event.Type != ledger.Deployment || d == nil {
			continue
		}
		where := fmt.Sprintf("deployed by %s (%s %s to %s)", d.ID, e.Event.Project, e.Event.Version, d.Environment)
		for _, p := range d.Packages {
			if err := a.checkBlob(where, ledger.Ref, e.Commit, p, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkBlob re-hashes the store's blob for p, once per blob, and records
// the result for the claim where makes about it. A missing blob fails when
// must is set and is information otherwise.
func (a *auditor) checkBlob(where, ref, commit string, p snapshot.PackageRef, must bool) error {
	name := fmt.Sprintf("%s %s (sha256 %s)", p.ID, p.Version, p.SHA256)
	c := Check{What: WhatPackage, Ref: ref, Commit: commit}
	if err := names.CheckSHA256(p.SHA256); err != nil {
		c.Result, c.Detail = Fail, fmt.Sprintf("package %s %s %s: %v", p.ID, p.Version, where, err)
		a.rep.add(c)
		return nil
	}
	if !a.st.Has(p.SHA256) && a.fetch != nil && must {
		if err := a.fetch(a.ctx, p); err != nil {
			c.Result, c.Detail = Fail, fmt.Sprintf("package %s %s: not in the store here, and not fetched: %v", name, where, err)
			a.rep.add(c)
			return nil
		}
	}
	if !a.st.Has(p.SHA256) {
		c.Result, c.Detail = Info, fmt.Sprintf("package %s %s: not in the store", name, where)
		if must {
			c.Result, c.Detail = Fail, fmt.Sprintf("package %s %s: missing from the store", name, where)
		}
		a.rep.add(c)
		return nil
	}
	key := fmt.Sprintf("%s/%d", p.SHA256, p.Size)
	verr, done := a.blobs[key]
	if !done {
		verr = a.st.Verify(store.Package{ID: p.ID, Version: p.Version, SHA256: p.SHA256, Size: p.Size})
		var ie *store.IntegrityError
		if verr != nil && !errors.As(verr, &ie) {
			return fmt.Errorf("audit: %w", verr)
		}
		a.blobs[key] = verr
		a.rep.Summary.Hashes++
	}
	if verr != nil {
		c.Result, c.Detail = Fail, fmt.Sprintf("package %s %s: the bytes in the store do not match: %v", name, where, verr)
	} else {
		c.Result, c.Detail = Pass, fmt.Sprintf("package %s %s", name, where)
	}
	a.rep.add(c)
	return nil
}

// checkLogs is step 4.
func (a *auditor) checkLogs() error {
	for _, e := range a.events {
		d := e.Event.Deployment
		if e.Event.Type != ledger.Deployment || d == nil {
			continue
		}
		c := Check{What: WhatLog, Ref: ledger.Ref, Commit: e.Commit}
		log, err := ledger.Log(a.repo, e.Commit)
		switch {
		case err != nil:
			c.Result, c.Detail = Fail, fmt.Sprintf("log of deployment %s cannot be read: %v", d.ID, err)
		case d.LogSHA256 == "":
			c.Result, c.Detail = Fail, fmt.Sprintf("deployment %s records no log_sha256", d.ID)
		default:
			sum := sha256.Sum256(log)
			a.rep.Summary.Hashes++
			if got := hex.EncodeToString(sum[:]); got != d.LogSHA256 {
				c.Result, c.Detail = Fail, fmt.Sprintf("log.txt of deployment %s hashes to %s, but its event records %s", d.ID, got, d.LogSHA256)
			} else {
				c.Result, c.Detail = Pass, fmt.Sprintf("log.txt of deployment %s", d.ID)
			}
		}
		a.rep.add(c)
	}
	return nil
}

// commitExists reports whether h names a commit in the repository.
func (a *auditor) commitExists(h string) bool {
	if len(h) != 40 {
		return false
	}
	_, err := a.repo.CommitObject(plumbing.NewHash(h))
	return err == nil
}
