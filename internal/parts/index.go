package parts

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zonectl/zonectl/internal/canonjson"
	"github.com/zonectl/zonectl/internal/envelope"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/refusal"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// Schema is the version of the index format that this zonectl writes; it
// reads every index of the same major version.
var Schema = envelope.Schema{Major: 1, Minor: 0}

// An Index pins a bundle split into parts. It is the document signed into
// NAME.index, by the same key as the bundle's manifest.
type Index struct {
	// Source, Target, Project, Version, Revision, Sequence and Expires are
	// the manifest's, so that a target can tell, before it has every part,
	// whether the bundle is for it and signed by a peer it trusts.
	Source   zbundle.Peer `json:"source"`
	Target   zbundle.Peer `json:"target"`
	Project  string       `json:"project"`
	Version  string       `json:"version"`
	Revision int          `json:"revision"`
	Sequence uint64       `json:"sequence"`
	Expires  time.Time    `json:"expires"`
	// Bundle is the .zbundle that the parts make up, end to end.
	Bundle Bundle `json:"bundle"`
	// ManifestSHA256 is the SHA-256 of the bundle's manifest.json.
	ManifestSHA256 string `json:"manifest_sha256"`
	// PartSize is the size of every part but the last, which holds from 1
	// to PartSize bytes.
	PartSize int64  `json:"part_size"`
	Parts    []Part `json:"parts"`
}

// Bundle names the whole bundle and pins its bytes.
type Bundle struct {
	Name   string `json:"name"` // the base name, such as "rel.zbundle"
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// A Part is one file of a set.
type Part struct {
	Number int    `json:"number"` // from 1
	Name   string `json:"name"`   // PartName(Bundle.Name, Number, len(Parts))
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Validate checks that the index is one a Writer makes: the parts
// numbered from 1 in order, named after the bundle, each PartSize bytes
// but the last, adding up to the bundle.
func (x *Index) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if x.Source.Space == "" || x.Target.Space == "" {
		bad("source and target must be named")
	}
	if x.Project == "" || x.Version == "" {
		bad("project and version must be given")
	}
	if x.Sequence == 0 {
		bad("sequence must be 1 or more")
	}
	if err := checkBaseName(x.Bundle.Name); err != nil {
		bad("bundle name: %v", err)
	}
	if err := names.CheckSHA256(x.Bundle.SHA256); err != nil {
		bad("bundle sha256: %v", err)
	}
	if err := names.CheckSHA256(x.ManifestSHA256); err != nil {
		bad("manifest sha256: %v", err)
	}
	if x.PartSize < MinSize {
		bad("part size %d is under the minimum of %d bytes", x.PartSize, MinSize)
	}
	switch n := len(x.Parts); {
	case n == 0:
		bad("no parts")
	case n > MaxParts:
		bad("%d parts; at most %d are allowed", n, MaxParts)
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid index: %w", errors.Join(errs...))
	}
	var total int64
	for i, p := range x.Parts {
		last := i == len(x.Parts)-1
		switch {
		case p.Number != i+1:
			bad("part %d is numbered %d", i+1, p.Number)
		case p.Name != PartName(x.Bundle.Name, p.Number, len(x.Parts)):
			bad("part %d is named %q, not %q", p.Number, p.Name, PartName(x.Bundle.Name, p.Number, len(x.Parts)))
		case !last && p.Size != x.PartSize:
			bad("part %d is %d bytes; every part but the last is %d", p.Number, p.Size, x.PartSize)
		case last && (p.Size < 1 || p.Size > x.PartSize):
			bad("the last part is %d bytes; it holds 1 to %d", p.Size, x.PartSize)
		}
		if err := names.CheckSHA256(p.SHA256); err != nil {
			bad("part %d sha256: %v", p.Number, err)
		}
		total += p.Size
	}
	if len(errs) == 0 && total != x.Bundle.Size {
		bad("the parts add up to %d bytes, and the bundle is %d", total, x.Bundle.Size)
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid index: %w", errors.Join(errs...))
	}
	return nil
}

// Part returns part n, or nil.
func (x *Index) Part(n int) *Part {
	if n < 1 || n > len(x.Parts) {
		return nil
	}
	return &x.Parts[n-1]
}

// PartNamed returns the part whose file name is name, or nil.
func (x *Index) PartNamed(name string) *Part {
	for i := range x.Parts {
		if x.Parts[i].Name == name {
			return &x.Parts[i]
		}
	}
	return nil
}

// PartHashed returns the part whose SHA-256 is sum, or nil.
func (x *Index) PartHashed(sum string) *Part {
	for i := range x.Parts {
		if x.Parts[i].SHA256 == sum {
			return &x.Parts[i]
		}
	}
	return nil
}

// Describe names part p for people: `part 2 of 5 (rel.zbundle.part002)`.
func (x *Index) Describe(p *Part) string {
	return fmt.Sprintf("part %d of %d (%s)", p.Number, len(x.Parts), p.Name)
}

// checkBaseName accepts a file name that stays in its directory.
func checkBaseName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("%q is not a file name", name)
	case strings.ContainsAny(name, "/\\\x00"):
		return fmt.Errorf("%q is not a base name", name)
	case len(name) > 200:
		return fmt.Errorf("%q is longer than 200 bytes", name)
	}
	return nil
}

// SealIndex checks x and signs it with signer, returning the bytes of the
// index and of its detached signature.
func SealIndex(x *Index, signer *keys.Signer) (data, sig []byte, err error) {
	if err := x.Validate(); err != nil {
		return nil, nil, err
	}
	return envelope.Seal(x, envelope.TypeIndex, Schema, signer)
}

// OpenIndex verifies an index (data) against its signature (sig) with v
// (see envelope.Open), checks that the key that signed it is the source
// Space's, and checks the index with Validate. name says which file it is.
// Every refusal, a malformed index included, is a *refusal.Error,
// except a schema version this zonectl does not read, an
// *envelope.SchemaError.
//
// Whether the signer is a peer this Space accepts releases from is v's
// keyring; whether the index is for this Space is the caller's to check.
func OpenIndex(name string, data, sig []byte, v *keys.Verifier) (*Index, *keys.Signature, error) {
	var x Index
	s, err := envelope.Open(name, data, sig, envelope.TypeIndex, Schema, v, &x)
	if err != nil {
		var re *refusal.Error
		var se *envelope.SchemaError
		if errors.As(err, &re) || errors.As(err, &se) {
			return nil, nil, err
		}
		return nil, nil, refusal.Wrap(name, "malformed index", err)
	}
	if err := x.Validate(); err != nil {
		return nil, nil, refusal.Wrap(name, "signed, but not a valid index", err)
	}
	if s.Fingerprint != x.Source.Fingerprint {
		return nil, nil, refusal.Newf(name, "signed by key %s, but the index says it comes from Space %q with key %s", s.Fingerprint, x.Source.Space, x.Source.Fingerprint)
	}
	return &x, s, nil
}

// ParseIndex reads an index without verifying its signature, for finding
// the Space it claims to come from and for showing what it claims. It
// checks the document's type and schema as OpenIndex does, and the index
// with Validate.
func ParseIndex(name string, data []byte) (*Index, error) {
	h, err := envelope.ReadHeader(data)
	if err != nil {
		return nil, fmt.Errorf("%s: malformed index: %w", name, err)
	}
	if h.Type != envelope.TypeIndex {
		return nil, fmt.Errorf("%s: document type is %q, not %q", name, h.Type, envelope.TypeIndex)
	}
	if h.Schema.Major != Schema.Major {
		return nil, &envelope.SchemaError{What: name, Type: h.Type, Found: h.Schema, Supported: Schema}
	}
	var x Index
	if err := canonjson.Decode(name, data, &x); err != nil {
		return nil, fmt.Errorf("%s: malformed index: %w", name, err)
	}
	if err := x.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &x, nil
}
