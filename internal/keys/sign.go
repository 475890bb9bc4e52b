package keys

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// A Signer makes detached signatures with a Space's private key.
type Signer struct {
	entity      *openpgp.Entity
	keyID       uint64 // the key that signs: the primary key, or a signing subkey
	fingerprint string
	now         func() time.Time // the signature's creation time; tests move it
}

// NewSigner returns a Signer for e, which must hold an unencrypted private key
// that may sign now (not expired, not revoked).
func NewSigner(e *openpgp.Entity) (*Signer, error) {
	return newSigner(e, time.Now)
}

func newSigner(e *openpgp.Entity, now func() time.Time) (*Signer, error) {
	if e == nil || e.PrimaryKey == nil {
		return nil, errors.New("new signer: no key")
	}
	fpr := Fingerprint(e)
	key, ok := e.SigningKey(now())
	switch {
	case !ok:
		return nil, fmt.Errorf("key %s has no key that may sign now: it is expired, revoked or not a signing key", fpr)
	case key.PrivateKey == nil:
		return nil, fmt.Errorf("key %s is a public key; signing needs the Space's private key", fpr)
	case key.PrivateKey.Dummy():
		return nil, fmt.Errorf("key %s is a stub without its secret part", fpr)
	case key.PrivateKey.Encrypted:
		return nil, fmt.Errorf("private key %s is still encrypted with its passphrase", fpr)
	}
	return &Signer{entity: e, keyID: key.PublicKey.KeyId, fingerprint: fpr, now: now}, nil
}

// Fingerprint returns the fingerprint of the signer's primary key.
func (s *Signer) Fingerprint() string { return s.fingerprint }

// Sign returns an ASCII-armored detached signature ("PGP SIGNATURE") over
// payload: a binary-document signature using SHA-256, in the form that `git
// commit -S` stores in a commit's gpgsig header and that `gpg --verify` and
// `git verify-commit` accept.
func (s *Signer) Sign(payload []byte) ([]byte, error) {
	return s.SignNotated(payload, nil)
}

// SignNotated is Sign with human-readable notations (name@domain = value)
// in the signature's hashed area: a signed document names its type there,
// so that no verifier, zonectl's or another's, can take the signature as
// one over a document of another type. gpg shows them with
// --verify-options show-notations.
func (s *Signer) SignNotated(payload []byte, notations map[string]string) ([]byte, error) {
	cfg := &packet.Config{
		DefaultHash:  crypto.SHA256,
		Time:         s.now,
		SigningKeyId: s.keyID,
	}
	for name, value := range notations {
		cfg.SignatureNotations = append(cfg.SignatureNotations, &packet.Notation{
			Name: name, Value: []byte(value), IsHumanReadable: true,
		})
	}
	var buf bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&buf, s.entity, bytes.NewReader(payload), cfg); err != nil {
		return nil, fmt.Errorf("sign with key %s: %w", s.fingerprint, err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
