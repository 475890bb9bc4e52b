package keys

import (
	"bytes"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// exportHint is the advice given when a private key turns up where a public
// key belongs.
const exportHint = "this is a private key; export the public key with `zonectl keys export`"

// ReadPublic reads one or more public keys from data, ASCII-armored ("PGP
// PUBLIC KEY BLOCK") or binary, as `gpg --export` writes them. name says where
// data came from (usually a file path) and appears in every error.
//
// A private key is refused, armored or not: a public key file is committed to
// the repository and shared with peers, so a private key in its place is a
// mistake to stop, not a key to use.
func ReadPublic(name string, data []byte) (openpgp.EntityList, error) {
	body, blockType, err := openBlock(name, data, openpgp.PublicKeyType)
	if err != nil {
		return nil, err
	}
	if blockType == openpgp.PrivateKeyType {
		return nil, fmt.Errorf("%q: %s", name, exportHint)
	}
	el, err := readKeyRing(name, body)
	if err != nil {
		return nil, err
	}
	for _, e := range el {
		if e.PrivateKey != nil {
			return nil, fmt.Errorf("%q: key %s: %s", name, Fingerprint(e), exportHint)
		}
	}
	return el, nil
}

// ReadPrivate reads one private key from data, ASCII-armored ("PGP PRIVATE
// KEY BLOCK") or binary, and decrypts it with passphrase when it is
// protected. name says where data came from (usually a file path) and appears
// in every error.
func ReadPrivate(name string, data []byte, passphrase []byte) (*openpgp.Entity, error) {
	body, blockType, err := openBlock(name, data, openpgp.PrivateKeyType)
	if err != nil {
		return nil, err
	}
	if blockType == openpgp.PublicKeyType {
		return nil, fmt.Errorf("private key %q holds a public key; the private key is the file written by `zonectl keys generate`", name)
	}
	el, err := readKeyRing(name, body)
	if err != nil {
		return nil, err
	}
	if len(el) != 1 {
		return nil, fmt.Errorf("private key %q holds %d keys; expected one", name, len(el))
	}
	e := el[0]
	fpr := Fingerprint(e)
	if e.PrivateKey == nil {
		return nil, fmt.Errorf("private key %q holds only the public key %s", name, fpr)
	}
	if e.PrivateKey.Dummy() {
		return nil, fmt.Errorf("private key %q: key %s is a stub without its secret part (exported with --export-secret-subkeys?)", name, fpr)
	}
	if isEncrypted(e) {
		if len(passphrase) == 0 {
			return nil, fmt.Errorf("private key %q is protected by a passphrase; set ZONECTL_PASSPHRASE_FILE", name)
		}
		if err := e.DecryptPrivateKeys(passphrase); err != nil {
			return nil, fmt.Errorf("private key %q: wrong passphrase for key %s", name, fpr)
		}
	}
	return e, nil
}

// openBlock returns the OpenPGP packets in data: the body of its first armor
// block, or data itself when it is not armored, with the armor type. Either
// key type is returned, for the caller to explain the one it did not want;
// any other type is refused. want, the type expected, words the errors.
func openBlock(name string, data []byte, want string) (body io.Reader, blockType string, err error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, "", fmt.Errorf("%q is empty; expected an OpenPGP %s", name, describe(want))
	}
	if !bytes.Contains(data, []byte("-----BEGIN PGP ")) {
		return bytes.NewReader(data), "", nil
	}
	block, err := armor.Decode(bytes.NewReader(data))
	if err == io.EOF {
		return nil, "", fmt.Errorf("%q: malformed OpenPGP armor: no complete armor header line", name)
	}
	if err != nil {
		return nil, "", fmt.Errorf("%q: malformed OpenPGP armor: %w", name, err)
	}
	switch block.Type {
	case openpgp.PublicKeyType, openpgp.PrivateKeyType:
		return block.Body, block.Type, nil
	}
	return nil, "", fmt.Errorf("%q holds a %q block; expected an OpenPGP %s", name, block.Type, describe(want))
}

func describe(blockType string) string {
	if blockType == openpgp.PrivateKeyType {
		return "private key"
	}
	return "public key"
}

// readKeyRing parses keys, refusing input that holds none.
func readKeyRing(name string, body io.Reader) (openpgp.EntityList, error) {
	el, err := openpgp.ReadKeyRing(body)
	if err != nil {
		return nil, fmt.Errorf("%q is not a readable OpenPGP key: %w", name, err)
	}
	if len(el) == 0 {
		return nil, fmt.Errorf("%q holds no OpenPGP key", name)
	}
	return el, nil
}
