package keys

import (
	"crypto"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// userIDComment marks a user ID as a zonectl Space key.
const userIDComment = "zonectl space"

// defaultEmailDomain is a reserved domain (RFC 2606): a Space key has no
// mailbox, but GnuPG and Git show keys by their e-mail address.
const defaultEmailDomain = "zonectl.invalid"

// GenerateOptions describes the key pair to generate for a Space.
type GenerateOptions struct {
	// Name is the Space's name; it becomes the user ID's name.
	Name string
	// Email is the user ID's address. Empty means NAME@zonectl.invalid, with
	// NAME lower-cased and anything but letters, digits, '.', '_' and '-'
	// replaced by '-'.
	Email string
	// Time is the key's creation time; zero means now.
	Time time.Time
}

// Validate reports the first problem with opts.
func (opts GenerateOptions) Validate() error {
	name := strings.TrimSpace(opts.Name)
	switch {
	case name == "":
		return errors.New("key name is empty")
	case name != opts.Name:
		return fmt.Errorf("key name %q has leading or trailing spaces", opts.Name)
	case strings.ContainsAny(name, "()<>\x00"):
		return fmt.Errorf("key name %q contains one of ( ) < >", opts.Name)
	case hasControl(name):
		return fmt.Errorf("key name %q contains a control character", opts.Name)
	}
	if opts.Email != "" {
		local, domain, ok := strings.Cut(opts.Email, "@")
		if !ok || local == "" || domain == "" || strings.Contains(domain, "@") ||
			strings.ContainsAny(opts.Email, "()<> \x00") || hasControl(opts.Email) {
			return fmt.Errorf("key e-mail %q is not an address like name@example.com", opts.Email)
		}
	}
	if !opts.Time.IsZero() && (opts.Time.Unix() < 0 || opts.Time.Unix() > math.MaxUint32) {
		return fmt.Errorf("key creation time %s is outside the OpenPGP range (1970 to 2106)", opts.Time.UTC().Format(time.RFC3339))
	}
	return nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// email returns the address for the user ID, defaulting to one derived from
// the name.
func (opts GenerateOptions) email() string {
	if opts.Email != "" {
		return opts.Email
	}
	local := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, opts.Name)
	return local + "@" + defaultEmailDomain
}

// Generate makes a Space's key pair: an OpenPGP v4 key whose primary key is
// legacy EdDSA on Ed25519 (algorithm 22, certify and sign) with a Curve25519
// ECDH encryption subkey (algorithm 18), preferring SHA-256 and AES-256, with
// no expiry. Its user ID is "NAME (zonectl space) <EMAIL>". This is the kind
// of key GnuPG 2.2 makes with --quick-generate-key USER future-default, so
// stock gpg and git verify-commit accept its signatures.
//
// The private key is not encrypted; ArmorPrivate protects it with a passphrase.
func Generate(opts GenerateOptions) (*openpgp.Entity, error) {
	return generate(opts, 0)
}

// generate is Generate with a key lifetime, which tests use to make keys that
// expire; zonectl's own keys never do.
func generate(opts GenerateOptions, lifetime time.Duration) (*openpgp.Entity, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	created := opts.Time
	if created.IsZero() {
		created = time.Now()
	}
	cfg := &packet.Config{
		Algorithm:              packet.PubKeyAlgoEdDSA,
		Curve:                  packet.Curve25519,
		DefaultHash:            crypto.SHA256,
		DefaultCipher:          packet.CipherAES256,
		DefaultCompressionAlgo: packet.CompressionNone,
		KeyLifetimeSecs:        uint32(lifetime / time.Second),
		Time:                   func() time.Time { return created },
	}
	e, err := openpgp.NewEntity(opts.Name, userIDComment, opts.email(), cfg)
	if err != nil {
		return nil, fmt.Errorf("generate key for %q: %w", opts.Name, err)
	}
	return e, nil
}

// Fingerprint returns the upper-case hexadecimal fingerprint of e's primary
// key (40 digits for the v4 keys that Generate makes).
func Fingerprint(e *openpgp.Entity) string {
	if e == nil || e.PrimaryKey == nil {
		return ""
	}
	return fmt.Sprintf("%X", e.PrimaryKey.Fingerprint)
}

// keyID formats an OpenPGP key ID the way GnuPG prints long key IDs.
func keyID(id uint64) string {
	return fmt.Sprintf("%016X", id)
}
