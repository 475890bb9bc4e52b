package names

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"

	"github.com/zonectl/zonectl/internal/semver"
)

var spacePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// CheckSpace checks the name of a Space or a peer. Such names end up in
// file names (keys/<name>.asc), directories (imports/<name>/) and Git refs
// (refs/zonectl/receipts/<name>), so they keep to characters that are safe
// in all three.
func CheckSpace(name string) error {
	if !spacePattern.MatchString(name) {
		return fmt.Errorf("invalid Space name %q: use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	return nil
}

const (
	maxPackageIDLen      = 100 // as NuGet and Octopus feeds
	maxPackageVersionLen = 128
)

var packageIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// CheckPackageID checks a package ID: a letter or digit, then letters,
// digits, '.', '_' or '-', at most 100 in all, as Octopus package IDs are.
func CheckPackageID(id string) error {
	switch {
	case id == "":
		return errors.New("empty package ID")
	case len(id) > maxPackageIDLen:
		return fmt.Errorf("package ID %q is %d characters long; at most %d are allowed", id, len(id), maxPackageIDLen)
	case !packageIDPattern.MatchString(id):
		return fmt.Errorf("invalid package ID %q: start with a letter or digit, then use only letters, digits, '.', '_' and '-'", id)
	}
	return nil
}

// CheckPackageVersion parses a package version, which must be a Semantic
// Version 2.0.0 of at most 128 characters.
func CheckPackageVersion(v string) (semver.Version, error) {
	if len(v) > maxPackageVersionLen {
		return semver.Version{}, fmt.Errorf("version %q is %d characters long; at most %d are allowed", v, len(v), maxPackageVersionLen)
	}
	return semver.Parse(v)
}

// CheckSHA256 checks that sum is a SHA-256 digest in lower-case hex, the
// form the package store names blobs by and manifests pin files by.
func CheckSHA256(sum string) error {
	if len(sum) != 2*sha256.Size {
		return fmt.Errorf("invalid sha256 %q: want %d lowercase hex digits", sum, 2*sha256.Size)
	}
	for i := 0; i < len(sum); i++ {
		if c := sum[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return fmt.Errorf("invalid sha256 %q: want %d lowercase hex digits", sum, 2*sha256.Size)
		}
	}
	return nil
}
