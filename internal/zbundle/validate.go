package zbundle

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/semver"
)

const (
	maxProjectLen = 200
	maxVersionLen = 128
)

// Validate reports the first thing in m that is not well-formed:
//
//   - source and target: Space names, and fingerprints as keys.Fingerprint
//     writes them (40 or 64 upper-case hex digits), of two different keys;
//   - project: a name without control characters; version: a Semantic
//     Version; revision and sequence: 1 or more;
//   - created: not before 1970; expires: after created;
//   - git: the bundle's SHA-256 (64 lower-case hex digits) and a positive
//     size; object format "sha1"; at least one ref, each a full ref name
//     that git accepts, named once, with a 40-digit lower-case hex hash;
//     prerequisites likewise hashes, each listed once;
//   - packages: each a package ID and version as the store checks them,
//     listed once (ignoring case), with a size of 0 or more and a SHA-256;
//     data of kind "none" with no path, or "whole" with the path
//     "packages/<the package's sha256>".
//
// Two packages with the same bytes may share one data file.
func (m *Manifest) Validate() error {
	if err := m.Source.check("source"); err != nil {
		return err
	}
	if err := m.Target.check("target"); err != nil {
		return err
	}
	if m.Source.Fingerprint == m.Target.Fingerprint {
		return fmt.Errorf("source and target are the same Space (key %s)", m.Source.Fingerprint)
	}
	if err := checkProject(m.Project); err != nil {
		return err
	}
	if len(m.Version) > maxVersionLen {
		return fmt.Errorf("version %q is %d characters long; at most %d are allowed", m.Version, len(m.Version), maxVersionLen)
	}
	if _, err := semver.Parse(m.Version); err != nil {
		return fmt.Errorf("version: %w", err)
	}
	if m.Revision < 1 {
		return fmt.Errorf("revision %d: revisions count from 1", m.Revision)
	}
	if m.Sequence < 1 {
		return fmt.Errorf("sequence %d: sequence numbers count from 1", m.Sequence)
	}
	if m.Created.Before(time.Unix(0, 0)) {
		return fmt.Errorf("created %s: before 1970", formatTime(m.Created))
	}
	if !m.Expires.After(m.Created) {
		return fmt.Errorf("expires %s: not after created (%s)", formatTime(m.Expires), formatTime(m.Created))
	}
	if err := m.Git.check(); err != nil {
		return err
	}
	return checkPackages(m.Packages)
}

func (p Peer) check(role string) error {
	if err := names.CheckSpace(p.Space); err != nil {
		return fmt.Errorf("%s space: %w", role, err)
	}
	if !isHex(p.Fingerprint, "0123456789ABCDEF") || len(p.Fingerprint) != 40 && len(p.Fingerprint) != 64 {
		return fmt.Errorf("%s fingerprint %q: want 40 or 64 upper-case hex digits", role, p.Fingerprint)
	}
	return nil
}

func checkProject(name string) error {
	switch {
	case name == "":
		return errors.New("project: empty name")
	case len(name) > maxProjectLen:
		return fmt.Errorf("project %q: longer than %d bytes", name, maxProjectLen)
	case !utf8.ValidString(name):
		return fmt.Errorf("project %q: not valid UTF-8", name)
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("project %q: leading or trailing space", name)
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("project %q: control character", name)
	}
	return nil
}

func (g *Git) check() error {
	if err := names.CheckSHA256(g.BundleSHA256); err != nil {
		return fmt.Errorf("git bundle_sha256: %w", err)
	}
	if g.BundleSize < 1 {
		return fmt.Errorf("git bundle_size %d: a Git bundle is never empty", g.BundleSize)
	}
	if g.ObjectFormat != "sha1" {
		return fmt.Errorf("git object_format %q: only \"sha1\" is known", g.ObjectFormat)
	}
	if len(g.Refs) == 0 {
		return errors.New("git refs: the bundle carries no ref")
	}
	seen := map[string]bool{}
	for _, r := range g.Refs {
		if err := gitstore.ValidateRefName(r.Name); err != nil {
			return fmt.Errorf("git refs: %w", err)
		}
		if seen[r.Name] {
			return fmt.Errorf("git refs: %q is listed twice", r.Name)
		}
		seen[r.Name] = true
		if !isObjectHash(r.Hash) {
			return fmt.Errorf("git ref %q: hash %q: want 40 lower-case hex digits", r.Name, r.Hash)
		}
	}
	prereqs := map[string]bool{}
	for _, h := range g.Prerequisites {
		if !isObjectHash(h) {
			return fmt.Errorf("git prerequisite %q: want 40 lower-case hex digits", h)
		}
		if prereqs[h] {
			return fmt.Errorf("git prerequisite %s is listed twice", h)
		}
		prereqs[h] = true
	}
	return nil
}

func checkPackages(pkgs []Package) error {
	seen := map[string]bool{}
	for _, p := range pkgs {
		if err := names.CheckPackageID(p.ID); err != nil {
			return fmt.Errorf("packages: %w", err)
		}
		name := fmt.Sprintf("package %s %s", p.ID, p.Version)
		if _, err := names.CheckPackageVersion(p.Version); err != nil {
			return fmt.Errorf("package %s: %w", p.ID, err)
		}
		key := strings.ToLower(p.ID) + " " + strings.ToLower(p.Version)
		if seen[key] {
			return fmt.Errorf("%s is listed twice", name)
		}
		seen[key] = true
		if p.Size < 0 {
			return fmt.Errorf("%s: size %d is negative", name, p.Size)
		}
		if err := names.CheckSHA256(p.SHA256); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		switch p.Data.Kind {
		case DataNone:
			if p.Data.Path != "" {
				return fmt.Errorf("%s: data of kind %q has a path (%q)", name, DataNone, p.Data.Path)
			}
		case DataWhole:
			if want := PackagePath(p.SHA256); p.Data.Path != want {
				return fmt.Errorf("%s: data path %q: the whole package is %q", name, p.Data.Path, want)
			}
		case DataDelta, DataContentDelta:
			b := p.Data.Basis
			switch {
			case b == nil:
				return fmt.Errorf("%s: a delta without a basis", name)
			case names.CheckSHA256(b.SHA256) != nil || b.Size < 0:
				return fmt.Errorf("%s: the delta's basis is not a valid package reference", name)
			case b.SHA256 == p.SHA256:
				return fmt.Errorf("%s: a delta against the package itself", name)
			case names.CheckSHA256(p.Data.DeltaSHA256) != nil || p.Data.DeltaSize < 0:
				return fmt.Errorf("%s: the delta's size or SHA-256 is not valid", name)
			case p.Data.Path != PackagePath(p.Data.DeltaSHA256):
				return fmt.Errorf("%s: data path %q: the delta is %q", name, p.Data.Path, PackagePath(p.Data.DeltaSHA256))
			case p.Data.Kind == DataContentDelta && p.Data.Rebuild == nil:
				return fmt.Errorf("%s: a content delta without rebuild settings", name)
			}
		case DataZstd:
			switch {
			case names.CheckSHA256(p.Data.CompressedSHA256) != nil || p.Data.CompressedSize < 0:
				return fmt.Errorf("%s: the compressed member's size or SHA-256 is not valid", name)
			case p.Data.Path != PackagePath(p.Data.CompressedSHA256):
				return fmt.Errorf("%s: data path %q: the compressed package is %q", name, p.Data.Path, PackagePath(p.Data.CompressedSHA256))
			case p.Data.Basis != nil:
				return fmt.Errorf("%s: a compressed package with a basis", name)
			}
		default:
			return fmt.Errorf("%s: data kind %q is not one this zonectl knows (%q, %q, %q, %q, %q)", name, p.Data.Kind, DataNone, DataWhole, DataDelta, DataContentDelta, DataZstd)
		}
		if p.Data.Rebuild != nil {
			if p.Data.Kind != DataContentDelta {
				return fmt.Errorf("%s: rebuild settings on data of kind %q", name, p.Data.Kind)
			}
			if err := p.Data.Rebuild.Validate(); err != nil {
				return fmt.Errorf("%s: rebuild: %w", name, err)
			}
		}
	}
	return nil
}

// isObjectHash reports whether s is a SHA-1 object name in lower-case hex.
func isObjectHash(s string) bool { return len(s) == 40 && isHex(s, "0123456789abcdef") }

// isHex reports whether s is non-empty and made of digits only.
func isHex(s, digits string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(digits, s[i]) < 0 {
			return false
		}
	}
	return true
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
