package zbundle

import (
	"errors"
	"fmt"
	"time"

	"github.com/zonectl/zonectl/internal/canonjson"
	"github.com/zonectl/zonectl/internal/envelope"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/recompress"
	"github.com/zonectl/zonectl/internal/refusal"
)

// Schema is the version of the manifest format that this zonectl writes;
// it reads every manifest of the same major version.
//
// 1.1 added the data kinds content-delta and zstd; a 1.0 reader refuses
// them by kind.
var Schema = envelope.Schema{Major: 1, Minor: 1}

// DefaultLifetime is how long a bundle may be imported after it was made,
// unless promote is told otherwise.
const DefaultLifetime = 30 * 24 * time.Hour

// A Manifest describes a release bundle: where it comes from, which Space
// it is for, and every file in it. It is the document signed into
// manifest.json.
type Manifest struct {
	Source Peer `json:"source"`
	// Target is the Space the bundle is for, named and identified by its
	// key, so that it cannot be applied to another Space of the same name.
	Target  Peer   `json:"target"`
	Project string `json:"project"`
	Version string `json:"version"`
	// Revision counts promotions of this version to this target, from 1: a
	// re-promotion (new variable values, say) increments it.
	Revision int `json:"revision"`
	// Sequence counts bundles from Source to Target, from 1. The target
	// refuses a sequence number older than one it has imported.
	Sequence uint64    `json:"sequence"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"`
	Git      Git       `json:"git"`
	Packages []Package `json:"packages"`
}

// A Peer names a Space and identifies it by its key.
type Peer struct {
	Space string `json:"space"`
	// Fingerprint is the Space's primary key fingerprint, upper-case hex
	// as keys.Fingerprint writes it.
	Fingerprint string `json:"fingerprint"`
}

// Git pins the Git bundle, release.bundle.
type Git struct {
	BundleSHA256 string `json:"bundle_sha256"`
	BundleSize   int64  `json:"bundle_size"`
	// ObjectFormat is the repository's hash algorithm; only "sha1" is
	// known.
	ObjectFormat  string   `json:"object_format"`
	Refs          []GitRef `json:"refs"`
	Prerequisites []string `json:"prerequisites"`
}

// A GitRef is a reference the Git bundle carries.
type GitRef struct {
	Name string `json:"name"`
	Hash string `json:"hash"`
}

// A Package is a package version the release deploys, and where its bytes
// are in the bundle, if they are.
type Package struct {
	PackageRef
	Data PackageData `json:"data"`
}

// A PackageRef pins a package version by the hash and size of its bytes.
// It has the fields of a release's package references, and is a type of
// this package so that the manifest's bytes change only when its schema
// does.
type PackageRef struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
}

// PackageData says what the bundle holds of a package.
type PackageData struct {
	Kind DataKind `json:"kind"`
	// Path is the member holding the data, "packages/<sha256>"; empty when
	// Kind is DataNone.
	Path string `json:"path,omitempty"`
	// For DataDelta: the delta's own size and SHA-256 (the member's), and
	// the basis, a package the target has, that it applies to.
	DeltaSize   int64  `json:"delta_size,omitempty"`
	DeltaSHA256 string `json:"delta_sha256,omitempty"`
	Basis       *Basis `json:"basis,omitempty"`
	// For DataContentDelta: how to compress the rebuilt content back into
	// the package's exact bytes.
	Rebuild *recompress.Params `json:"rebuild,omitempty"`
	// For DataZstd: the compressed member's own size and SHA-256.
	CompressedSize   int64  `json:"compressed_size,omitempty"`
	CompressedSHA256 string `json:"compressed_sha256,omitempty"`
}

// Member returns the size and SHA-256 of the member holding the data, for
// a package of the given size and hash; the data must not be DataNone.
func (d PackageData) Member(size int64, sha256 string) (int64, string) {
	switch {
	case d.IsDelta():
		return d.DeltaSize, d.DeltaSHA256
	case d.Kind == DataZstd:
		return d.CompressedSize, d.CompressedSHA256
	}
	return size, sha256
}

// IsDelta reports whether the data is a delta of either kind, which
// needs its basis to rebuild the package.
func (d PackageData) IsDelta() bool { return d.Kind == DataDelta || d.Kind == DataContentDelta }

// Basis names the package version a delta is made against.
type Basis struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
}

// A DataKind says how a package's bytes travel in a bundle.
type DataKind string

const (
	// DataNone: the bundle holds nothing; the target has the package.
	DataNone DataKind = "none"
	// DataWhole: the bundle holds the package's bytes as they are, in
	// packages/<the package's sha256>.
	DataWhole DataKind = "whole"
	// DataDelta: the bundle holds a binary delta (internal/delta) from the
	// basis to the package, in packages/<the delta's sha256>.
	DataDelta DataKind = "delta"
	// DataContentDelta: the bundle holds a delta from the basis's
	// uncompressed content to the package's (both are gzip files), in
	// packages/<the delta's sha256>; Rebuild says how to compress the
	// result back into the package's exact bytes.
	DataContentDelta DataKind = "content-delta"
	// DataZstd: the bundle holds the package compressed on its own, as
	// one standard zstd frame (zstd -d restores it), in
	// packages/<the compressed member's sha256>. Uncompressed packages
	// travel so when no delta is smaller.
	DataZstd DataKind = "zstd"
)

// SealManifest checks m and signs it with signer, returning the bytes of
// manifest.json and manifest.json.asc.
func SealManifest(m *Manifest, signer *keys.Signer) (data, sig []byte, err error) {
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	return envelope.Seal(m.normalized(), envelope.TypeReleaseManifest, Schema, signer)
}

// EncodeManifest checks m and returns the bytes of manifest.json, unsigned.
func EncodeManifest(m *Manifest) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return envelope.Encode(m.normalized(), envelope.TypeReleaseManifest, Schema)
}

// normalized returns a copy of m whose empty lists are written as [] rather
// than null.
func (m *Manifest) normalized() *Manifest {
	c := *m
	if c.Packages == nil {
		c.Packages = []Package{}
	}
	if c.Git.Refs == nil {
		c.Git.Refs = []GitRef{}
	}
	if c.Git.Prerequisites == nil {
		c.Git.Prerequisites = []string{}
	}
	return &c
}

// OpenManifest verifies manifest.json (data) against its signature (sig)
// with v (see envelope.Open), checks that the key that signed it is the
// source Space's, and checks the manifest with Validate. A refused
// signature is a *refusal.Error, a schema version this zonectl does not
// read an *envelope.SchemaError, and a manifest that is signed but not
// well-formed a *CheckError.
//
// Whether the signer is a peer this Space accepts releases from is v's
// keyring; whether the bundle is for this Space, has expired, or repeats an
// old sequence number is the caller's to check.
func OpenManifest(data, sig []byte, v *keys.Verifier) (*Manifest, *keys.Signature, error) {
	var m Manifest
	s, err := envelope.Open(ManifestName, data, sig, envelope.TypeReleaseManifest, Schema, v, &m)
	if err != nil {
		var re *refusal.Error
		var se *envelope.SchemaError
		if errors.As(err, &re) || errors.As(err, &se) {
			return nil, nil, err
		}
		return nil, nil, &CheckError{Member: ManifestName, Reason: "malformed manifest: " + err.Error(), Err: wrapKind(ErrMalformed, err)}
	}
	if err := m.Validate(); err != nil {
		return nil, nil, &CheckError{Member: ManifestName, Reason: "invalid manifest: " + err.Error(), Err: wrapKind(ErrMalformed, err)}
	}
	if s.Fingerprint != m.Source.Fingerprint {
		return nil, nil, refusal.Newf(ManifestName, "signed by key %s, but the manifest says it comes from Space %q with key %s", s.Fingerprint, m.Source.Space, m.Source.Fingerprint)
	}
	return &m, s, nil
}

// ParseManifest reads manifest.json without verifying its signature, for
// showing what an unverified bundle claims and for tests. It checks the
// document's type and schema as OpenManifest does, and the manifest with
// Validate; every refusal is a *CheckError or an *envelope.SchemaError.
func ParseManifest(data []byte) (*Manifest, error) {
	h, err := envelope.ReadHeader(data)
	if err != nil {
		return nil, &CheckError{Member: ManifestName, Reason: "malformed manifest: " + err.Error(), Err: wrapKind(ErrMalformed, err)}
	}
	if h.Type != envelope.TypeReleaseManifest {
		return nil, &CheckError{Member: ManifestName, Reason: fmt.Sprintf("document type is %q, not %q", h.Type, envelope.TypeReleaseManifest), Err: ErrMalformed}
	}
	if h.Schema.Major != Schema.Major {
		return nil, &envelope.SchemaError{What: ManifestName, Type: h.Type, Found: h.Schema, Supported: Schema}
	}
	var m Manifest
	if err := canonjson.Decode(ManifestName, data, &m); err != nil {
		return nil, &CheckError{Member: ManifestName, Reason: "malformed manifest: " + err.Error(), Err: wrapKind(ErrMalformed, err)}
	}
	if err := m.Validate(); err != nil {
		return nil, &CheckError{Member: ManifestName, Reason: "invalid manifest: " + err.Error(), Err: wrapKind(ErrMalformed, err)}
	}
	return &m, nil
}

// Files lists the members the manifest pins besides manifest.json and
// manifest.json.asc: release.bundle, then each package data file once, in
// the order of Packages. m must be valid.
func (m *Manifest) Files() []Member {
	files := []Member{{Name: GitBundleName, Size: m.Git.BundleSize, SHA256: m.Git.BundleSHA256}}
	seen := map[string]bool{}
	for _, p := range m.Packages {
		if p.Data.Kind == DataNone || seen[p.Data.Path] {
			continue
		}
		seen[p.Data.Path] = true
		size, sum := p.Data.Member(p.Size, p.SHA256)
		files = append(files, Member{Name: p.Data.Path, Size: size, SHA256: sum})
	}
	return files
}
