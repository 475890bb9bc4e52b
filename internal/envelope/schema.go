package envelope

import (
	"fmt"
	"regexp"
	"strconv"
)

// The types of zonectl's signed documents.
const (
	// TypeReleaseManifest is the manifest of a release bundle (.zbundle).
	TypeReleaseManifest = "zonectl.release-bundle.manifest"
	// TypeReceiptManifest is the manifest of a bundle of receipts.
	TypeReceiptManifest = "zonectl.receipt-bundle.manifest"
	// TypeIndex is the index of a release bundle split into parts for
	// removable media (see internal/parts).
	TypeIndex = "zonectl.bundle.index"
)

// Limits on what Open reads.
const (
	// MaxSize is the largest document Seal writes and Open reads.
	MaxSize = 16 << 20
	// MaxSignatureSize is the largest armored signature Open reads. A
	// zonectl signature is a few hundred bytes.
	MaxSignatureSize = 64 << 10
)

// A Schema is the version of a document's format, MAJOR.MINOR. A new minor
// version only adds fields that older readers may ignore; anything else is
// a new major version.
type Schema struct {
	Major, Minor int
}

// maxSchemaPart bounds each number in a schema version, so that parsing
// never overflows.
const maxSchemaPart = 999999

var schemaRE = regexp.MustCompile(`^(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})$`)

// ParseSchema parses a schema version written as MAJOR.MINOR, such as "1.0":
// two decimal numbers without signs or leading zeros.
func ParseSchema(s string) (Schema, error) {
	m := schemaRE.FindStringSubmatch(s)
	if m == nil {
		return Schema{}, fmt.Errorf("invalid schema version %q: want MAJOR.MINOR, such as \"1.0\"", s)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return Schema{Major: major, Minor: minor}, nil
}

// String returns s as MAJOR.MINOR.
func (s Schema) String() string { return fmt.Sprintf("%d.%d", s.Major, s.Minor) }

// Validate reports whether s can be written: both numbers between 0 and
// 999999.
func (s Schema) Validate() error {
	if s.Major < 0 || s.Minor < 0 || s.Major > maxSchemaPart || s.Minor > maxSchemaPart {
		return fmt.Errorf("invalid schema version %d.%d: each number must be between 0 and %d", s.Major, s.Minor, maxSchemaPart)
	}
	return nil
}

// MarshalText writes s as MAJOR.MINOR.
func (s Schema) MarshalText() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads s from MAJOR.MINOR.
func (s *Schema) UnmarshalText(b []byte) error {
	v, err := ParseSchema(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// typeRE is what a document type looks like: lower-case dotted words, the
// first "zonectl".
var typeRE = regexp.MustCompile(`^zonectl(\.[a-z0-9]+(-[a-z0-9]+)*)+$`)

// checkType reports whether t can name a document type.
func checkType(t string) error {
	if t == "" {
		return fmt.Errorf("document has no type")
	}
	if len(t) > 100 || !typeRE.MatchString(t) {
		return fmt.Errorf("invalid document type %q: want lower-case dotted words starting with \"zonectl.\"", t)
	}
	return nil
}

// describe names a document type for people.
func describe(docType string) string {
	switch docType {
	case TypeReleaseManifest:
		return "release bundle"
	case TypeReceiptManifest:
		return "receipt bundle"
	case TypeIndex:
		return "bundle index"
	}
	return fmt.Sprintf("%q document", docType)
}
