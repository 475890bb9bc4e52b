package keys

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/zonectl/zonectl/internal/atomicfile"
)

// Environment variables that say where a Space's private key is and how to
// unlock it.
const (
	// EnvKey names the private key file, overriding the default location.
	EnvKey = "ZONECTL_KEY"
	// EnvPassphraseFile names a file holding the private key's passphrase.
	EnvPassphraseFile = "ZONECTL_PASSPHRASE_FILE"
)

// PrivateKeyPath returns where the private key for the Space whose public key
// has the given fingerprint lives: the file named by $ZONECTL_KEY if set,
// else <user config dir>/zonectl/keys/<FINGERPRINT>.asc.
//
// Keying the default by fingerprint means two Spaces with the same name on
// one machine never share a file, and a Space finds its private key from the
// public key committed in its repository.
func PrivateKeyPath(fingerprint string) (string, error) {
	if p := os.Getenv(EnvKey); p != "" {
		return p, nil
	}
	fpr, err := normalizeFingerprint(fingerprint)
	if err != nil {
		return "", err
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find private key for %s: %w; set %s to the key's file", fpr, err, EnvKey)
	}
	return filepath.Join(dir, "zonectl", "keys", fpr+".asc"), nil
}

// normalizeFingerprint upper-cases a fingerprint and checks that it is one:
// 40 (v4) or 64 (v6) hexadecimal digits. It also keeps the default key path
// inside the keys directory.
func normalizeFingerprint(fingerprint string) (string, error) {
	fpr := strings.ToUpper(fingerprint)
	if len(fpr) != 40 && len(fpr) != 64 {
		return "", fmt.Errorf("key fingerprint %q is not 40 or 64 hexadecimal digits", fingerprint)
	}
	for _, r := range fpr {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'F') {
			return "", fmt.Errorf("key fingerprint %q is not 40 or 64 hexadecimal digits", fingerprint)
		}
	}
	return fpr, nil
}

// WritePrivate writes an armored private key to path, readable by its owner
// only (mode 0600, in directories created 0700). It never replaces a file
// that exists: losing a Space's private key loses the Space's identity.
//
// The write is atomic: the key goes to a temporary file in the same
// directory, is synced to disk, and is then hard-linked to path, which fails
// if path exists. A crash leaves no half-written key at path, and two
// concurrent writers cannot overwrite each other.
func WritePrivate(path string, armored []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write private key %q: %w", path, err)
	}
	if err := atomicfile.WriteNew(path, armored, 0o600); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write private key %q: file exists; refusing to overwrite a private key", path)
		}
		return fmt.Errorf("write private key %q: %w", path, err)
	}
	return nil
}

// LoadPrivate finds, reads and unlocks the private key of the Space whose
// public key has the given fingerprint. The passphrase, if the key has one,
// comes from Passphrase. The key found must have that fingerprint: a
// $ZONECTL_KEY pointing at another Space's key is an error, not a silent
// switch of identity.
func LoadPrivate(fingerprint string) (*openpgp.Entity, error) {
	want, err := normalizeFingerprint(fingerprint)
	if err != nil {
		return nil, err
	}
	path, err := PrivateKeyPath(want)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("private key for %s not found at %q; the private key lives outside the repository: copy it there, or set %s to its file",
			want, path, EnvKey)
	}
	if err != nil {
		return nil, fmt.Errorf("read private key: %w", err)
	}
	passphrase, err := Passphrase()
	if err != nil {
		return nil, err
	}
	e, err := ReadPrivate(path, data, passphrase)
	if err != nil {
		return nil, err
	}
	if got := Fingerprint(e); got != want {
		return nil, fmt.Errorf("private key %q is key %s, but the Space's public key is %s; does %s point at another Space's key?",
			path, got, want, EnvKey)
	}
	return e, nil
}

// Passphrase returns the private key passphrase held in the file named by
// $ZONECTL_PASSPHRASE_FILE, without its trailing newline, or nil when the
// variable is unset. A file that is named but unreadable or empty is an
// error: the user meant to give a passphrase.
func Passphrase() ([]byte, error) {
	path := os.Getenv(EnvPassphraseFile)
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read passphrase file (%s): %w", EnvPassphraseFile, err)
	}
	data = bytes.TrimRight(data, "\r\n")
	if len(data) == 0 {
		return nil, fmt.Errorf("passphrase file %q (%s) is empty", path, EnvPassphraseFile)
	}
	return data, nil
}
