package keys

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/ProtonMail/go-crypto/openpgp/s2k"
)

// privateKeyProtection is how ArmorPrivate encrypts a private key with a
// passphrase: AES-256 keyed by iterated and salted SHA-256 (S2K usage 254, the
// protection GnuPG 2.2 reads; Argon2 and AEAD protection it does not).
//
// The iteration count is go-crypto's default, 16 MiB hashed. go-crypto's S2K
// feeds the hash a few bytes at a time, so the maximum count (64 MiB) costs
// seconds on every zonectl command that signs, where this costs a fraction
// of one.
var privateKeyProtection = packet.Config{
	DefaultCipher: packet.CipherAES256,
	S2KConfig: &s2k.Config{
		S2KMode:  s2k.IteratedSaltedS2K,
		Hash:     crypto.SHA256,
		S2KCount: 16777216,
	},
}

// ArmorPublic returns e's public key (primary key, user IDs, subkeys and their
// signatures) as an ASCII-armored "PGP PUBLIC KEY BLOCK", the form committed
// under keys/ and imported by `gpg --import`.
func ArmorPublic(e *openpgp.Entity) ([]byte, error) {
	if e == nil || e.PrimaryKey == nil {
		return nil, errors.New("armor public key: no key")
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return nil, err
	}
	if err := e.Serialize(w); err != nil {
		return nil, fmt.Errorf("armor public key %s: %w", Fingerprint(e), err)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// ArmorPrivate returns e's private key as an ASCII-armored "PGP PRIVATE KEY
// BLOCK". With a non-empty passphrase, the primary key and every subkey are
// encrypted with it; e itself is left unencrypted and usable.
//
// The key's self-signatures are written as they are, not re-made, so the
// public key read back from the result has the same signatures and creation
// times as the one committed to the repository.
func ArmorPrivate(e *openpgp.Entity, passphrase []byte) ([]byte, error) {
	if e == nil || e.PrimaryKey == nil {
		return nil, errors.New("armor private key: no key")
	}
	fpr := Fingerprint(e)
	if e.PrivateKey == nil {
		return nil, fmt.Errorf("armor private key %s: this is a public key only", fpr)
	}
	if isEncrypted(e) {
		return nil, fmt.Errorf("armor private key %s: the key is still encrypted with its passphrase", fpr)
	}
	var plain bytes.Buffer
	if err := e.SerializePrivateWithoutSigning(&plain, nil); err != nil {
		return nil, fmt.Errorf("armor private key %s: %w", fpr, err)
	}
	if len(passphrase) > 0 {
		// Encrypt a copy so that the caller's key stays usable for signing.
		cp, err := openpgp.ReadEntity(packet.NewReader(bytes.NewReader(plain.Bytes())))
		if err != nil {
			return nil, fmt.Errorf("armor private key %s: copy key: %w", fpr, err)
		}
		if err := cp.EncryptPrivateKeys(passphrase, &privateKeyProtection); err != nil {
			return nil, fmt.Errorf("armor private key %s: encrypt with passphrase: %w", fpr, err)
		}
		plain.Reset()
		if err := cp.SerializePrivateWithoutSigning(&plain, nil); err != nil {
			return nil, fmt.Errorf("armor private key %s: %w", fpr, err)
		}
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PrivateKeyType, nil)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plain.Bytes()); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// isEncrypted reports whether any of e's private keys is still encrypted.
func isEncrypted(e *openpgp.Entity) bool {
	if e.PrivateKey != nil && e.PrivateKey.Encrypted {
		return true
	}
	for _, sub := range e.Subkeys {
		if sub.PrivateKey != nil && sub.PrivateKey.Encrypted {
			return true
		}
	}
	return false
}
