package store

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/semver"
)

// Package is one pushed package version: what its index entry holds.
type Package struct {
	ID       string    `json:"id"`
	Version  string    `json:"version"`
	SHA256   string    `json:"sha256"` // lowercase hex of the bytes
	Size     int64     `json:"size"`
	PushedAt time.Time `json:"pushed_at"`
	PushedBy string    `json:"pushed_by"`
	FileName string    `json:"file_name"` // the base name of the file pushed, for information
}

// PushOptions says what a push names the bytes it stores.
type PushOptions struct {
	ID       string // package ID, as Octopus spells them: acme-web, Acme.Web
	Version  string // Semantic Version 2.0.0
	FileName string // the name of the file pushed, recorded for people; may be empty
	PushedBy string // who pushed, e.g. "Name <email>"; may be empty
	Now      time.Time
	// Progress, if set, is called with the number of bytes taken so far,
	// after each chunk; it must be quick.
	Progress func(done int64)
}

// Validate checks the options before anything is read or written.
func (o PushOptions) Validate() error {
	if err := names.CheckPackageID(o.ID); err != nil {
		return err
	}
	if _, err := names.CheckPackageVersion(o.Version); err != nil {
		return err
	}
	if strings.ContainsAny(o.FileName, "/\\\x00") {
		return fmt.Errorf("file name %q must be a base name, without a directory", o.FileName)
	}
	if o.Now.IsZero() {
		return errors.New("no time given for the push")
	}
	return nil
}

// idKey and versionKey name a package version in the index. IDs and
// versions are matched case-insensitively, as NuGet and Octopus match
// them, and build metadata is left out as SemVer precedence leaves it out:
// so acme-web 1.0.0-RC.1+b7 is the same package version as
// Acme-Web 1.0.0-rc.1, on every filesystem whether it folds case or not.
func idKey(id string) string { return strings.ToLower(id) }

func versionKey(v semver.Version) string {
	v.Build = nil
	return strings.ToLower(v.String())
}

// compareDesc orders packages by version, highest first; versions of
// equal precedence by their spelling. Index entries are checked when read,
// so their versions parse; one that does not would go last.
func compareDesc(a, b Package) int {
	va, erra := semver.Parse(a.Version)
	vb, errb := semver.Parse(b.Version)
	if erra != nil || errb != nil {
		return boolInt(erra != nil) - boolInt(errb != nil)
	}
	if c := semver.Compare(vb, va); c != 0 {
		return c
	}
	return strings.Compare(b.Version, a.Version)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// String names the package version as people write it: "acme-web 1.4.0".
func (p Package) String() string { return p.ID + " " + p.Version }
