package importer

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/zonectl/zonectl/gitstore/bundle"
	"github.com/zonectl/zonectl/internal/inbox"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// readTar is check 1: the tar's shape.
func (v *verification) readTar() (string, error) {
	r, err := zbundle.NewReader(v.src)
	if err != nil {
		v.stopped = true
		return "", refuseOrFail(v.name, "", err)
	}
	v.r = r
	return "", nil
}

// parseManifest is check 2: the manifest as written, not yet trusted.
func (v *verification) parseManifest() (string, error) {
	m, err := zbundle.ParseManifest(v.r.Manifest())
	if err != nil {
		v.stopped = true
		return "", asRefusal(v.name, err)
	}
	v.claimed = m
	v.out.manifestSHA256 = manifestHash(v.r.Manifest())
	return "", nil
}

// checkSignature is check 3: the manifest is signed by the source, with
// the key this Space trusts it by (in an inspection: the key given, or
// the peer block's).
func (v *verification) checkSignature() (string, error) {
	verifier, where, err := v.sourceKey()
	if err != nil || verifier == nil {
		return "", err
	}
	m, sig, err := zbundle.OpenManifest(v.r.Manifest(), v.r.Signature(), verifier)
	if err != nil {
		return "", asRefusal(v.name, err)
	}
	v.claimed, v.out.Manifest, v.out.Signer = m, m, sig
	return fmt.Sprintf("key %s (%s), signed %s", sig.Fingerprint, where, sig.Created.Format(time.RFC3339)), nil
}

// sourceKey returns the verifier for the manifest's source. For an import
// only a peer this Space accepts releases from counts.
func (v *verification) sourceKey() (*keys.Verifier, string, error) {
	source := v.claimed.Source.Space
	if v.inspect == nil {
		peer, verifier, err := releasePeer(v.cfg, source, "bundle "+v.name)
		if err != nil {
			return nil, "", err
		}
		v.peer = peer
		v.out.Source = peer.Name
		return verifier, "peer " + peer.Name + " of this Space", nil
	}
	if k := v.inspect.Key; k != nil {
		return keys.NewVerifier(openpgp.EntityList{k}), v.inspect.KeyWhere, nil
	}
	if cfg := v.inspect.Space; cfg != nil {
		if p := cfg.Peer(source); p != nil {
			list, err := keys.ReadPublic("public_key of peer "+p.Name, []byte(p.PublicKey))
			if err != nil {
				return nil, "", err
			}
			return keys.NewVerifier(openpgp.EntityList(list)), "peer " + p.Name + " of this Space", nil
		}
	}
	v.skipped = "no key: pass --key FILE, or run inside a Space that has " + source + " as a peer"
	return nil, "", nil
}

// checkTarget is check 4.
func (v *verification) checkTarget() (string, error) {
	return "", checkTargetPeer(v.env.Repo, v.cfg, v.out.Manifest.Target, "bundle "+v.name)
}

// ClockSkew is how far in the future a signature may be dated: clocks
// differ a little. MaxLifetime is the longest a bundle may be imported
// for after it was signed.
const (
	ClockSkew   = 5 * time.Minute
	MaxLifetime = 366 * 24 * time.Hour
)

// checkExpiry is check 5: not expired, not signed in the future, and not
// made to live longer than MaxLifetime.
func (v *verification) checkExpiry() (string, error) {
	m := v.claimed
	if !v.now.Before(m.Expires) {
		return "", refuse(v.name, "it expired at %s; ask %s for a new bundle", m.Expires.Format(time.RFC3339), m.Source.Space)
	}
	if sig := v.out.Signer; sig != nil {
		switch {
		case sig.Created.After(v.now.Add(ClockSkew)):
			return "", refuse(v.name, "it was signed at %s, in the future (this machine's clock says %s)", sig.Created.Format(time.RFC3339), v.now.Format(time.RFC3339))
		case m.Expires.Sub(sig.Created) > MaxLifetime:
			return "", refuse(v.name, "it may be imported until %s, more than %d days after it was signed; a bundle lives at most that long", m.Expires.Format(time.RFC3339), int(MaxLifetime.Hours()/24))
		}
	}
	return "until " + m.Expires.Format(time.RFC3339), nil
}

// checkSequence is check 6; the very same bundle again ends the checks.
func (v *verification) checkSequence() (string, error) {
	m := v.out.Manifest
	ref, err := inbox.Ref(v.peer.Name, m.Project, m.Version)
	if err != nil {
		return "", refuseErr(v.name, "", err)
	}
	v.out.InboxRef = ref
	v.out.Again, err = checkSequence(v.env.Repo, m, v.name)
	return "", err
}

// checkMembers is check 7: every member is read and held against the
// manifest. An import extracts the packages this Space lacks (a package
// sent compressed is decompressed as it is read) and the Git bundle; an
// inspection extracts only the Git bundle.
func (v *verification) checkMembers() (string, error) {
	dir, err := v.scratchDir()
	if err != nil {
		v.stopped = true
		return "", err
	}
	v.out.dir = dir
	m := v.claimed
	v.out.needed, v.out.unpacked = map[string]bool{}, map[string]zbundle.Package{}
	if v.env != nil {
		for _, p := range m.Packages {
			if p.Data.Kind != zbundle.DataNone && !v.env.Store.Has(p.SHA256) {
				v.out.needed[p.Data.Path] = true
				if p.Data.Kind == zbundle.DataZstd {
					v.out.unpacked[p.Data.Path] = p
				}
			}
		}
	}
	opts := zbundle.ExtractOptions{
		Skip: func(name string) bool {
			return strings.HasPrefix(name, zbundle.PackageDir) && !v.out.needed[name]
		},
		Sink: func(name string) (io.WriteCloser, error) {
			p, ok := v.out.unpacked[name]
			if !ok {
				return nil, nil
			}
			return newUnpacker(v.out.unpackedPath(p), p.Size)
		},
	}
	members, err := v.r.Extract(dir.Path(), m, opts)
	v.members = members
	if err != nil {
		v.stopped = true
		return "", refuseOrFail(v.name, "", err)
	}
	return fmt.Sprintf("%d members", len(members)), nil
}

// checkGit is check 8: the Git bundle's header against the manifest, one
// reference, and (in an import) every prerequisite present here.
func (v *verification) checkGit() (string, error) {
	f, err := os.Open(v.out.path(zbundle.GitBundleName))
	if err != nil {
		return "", err
	}
	defer f.Close()
	hdr, err := bundle.ReadHeader(bufioReader(f))
	if err != nil {
		return "", refuse(v.name, "release.bundle: %v", err)
	}
	if err := v.claimed.Git.CheckHeader(hdr); err != nil {
		return "", refuseErr(v.name, "", err)
	}
	if len(hdr.References) != 1 {
		return "", refuse(v.name, "release.bundle holds %d references; a release bundle holds one", len(hdr.References))
	}
	v.out.Commit = hdr.References[0].Hash
	if v.env == nil {
		return "", nil
	}
	for _, p := range hdr.Prerequisites {
		if _, err := v.env.Repo.Git().CommitObject(p.Hash); err != nil {
			return "", refuse(v.name, "it builds on commit %s, which this Space does not have: import the earlier bundles from %s first, or ask for a full one", p.Hash, v.peer.Name)
		}
	}
	return "", nil
}

// checkStore is check 9: the bundle's packages against this Space's
// store.
func (v *verification) checkStore() (string, error) {
	m, st := v.out.Manifest, v.env.Store
	for _, p := range m.Packages {
		if have, err := st.Get(p.ID, p.Version); err == nil && have.SHA256 != p.SHA256 {
			return "", refuse(v.name, "package %s %s in this Space's store has other bytes (sha256 %s) than the bundle's (%s)", p.ID, p.Version, have.SHA256, p.SHA256)
		}
	}
	for _, p := range m.Packages {
		if p.Data.Kind == zbundle.DataNone && !st.Has(p.SHA256) {
			return "", refuse(v.name, "package %s %s (sha256 %s) is neither in the bundle nor in this Space's store", p.ID, p.Version, p.SHA256)
		}
		if p.Data.IsDelta() && !st.Has(p.SHA256) && !st.Has(p.Data.Basis.SHA256) {
			return "", refuse(v.name, "package %s %s comes as a delta against %s %s (sha256 %s), which this Space's store does not have; ask %s for a --full bundle", p.ID, p.Version, p.Data.Basis.ID, p.Data.Basis.Version, p.Data.Basis.SHA256, m.Source.Space)
		}
	}
	return "", nil
}

// path is where the member name was extracted.
func (v *Verified) path(name string) string {
	return filepath.Join(v.dir.Path(), filepath.FromSlash(name))
}

// unpackedPath is where a package sent compressed is decompressed to.
func (v *Verified) unpackedPath(p zbundle.Package) string {
	return filepath.Join(v.dir.Path(), "unpacked-"+p.SHA256)
}
