package keys

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// messageType is the armor type of an encrypted OpenPGP message.
const messageType = "PGP MESSAGE"

// maxPlaintext bounds what Decrypt will decompress, so that a small
// compressed message from a peer cannot exhaust memory. Sensitive values are
// passwords and certificates, far smaller.
var maxPlaintext int64 = 64 << 20

// Encrypt encrypts plaintext to every recipient's encryption subkey and
// returns the ASCII-armored "PGP MESSAGE", the form a sensitive value takes
// in a Space's HCL. The message uses AES-256 with an integrity check
// (SEIPD v1, which GnuPG 2.2 reads), is not compressed and not signed.
func Encrypt(plaintext []byte, recipients openpgp.EntityList) (string, error) {
	if len(recipients) == 0 {
		return "", errors.New("encrypt: no recipients")
	}
	cfg := &packet.Config{
		DefaultCipher:          packet.CipherAES256,
		DefaultCompressionAlgo: packet.CompressionNone,
	}
	var buf bytes.Buffer
	aw, err := armor.Encode(&buf, messageType, nil)
	if err != nil {
		return "", err
	}
	pw, err := openpgp.Encrypt(aw, recipients, nil, &openpgp.FileHints{IsBinary: true}, cfg)
	if err != nil {
		return "", fmt.Errorf("encrypt to %s: %w", fingerprints(recipients), err)
	}
	if _, err := pw.Write(plaintext); err != nil {
		return "", fmt.Errorf("encrypt to %s: %w", fingerprints(recipients), err)
	}
	if err := pw.Close(); err != nil {
		return "", fmt.Errorf("encrypt to %s: %w", fingerprints(recipients), err)
	}
	if err := aw.Close(); err != nil {
		return "", err
	}
	buf.WriteByte('\n')
	return buf.String(), nil
}

// Decrypt decrypts an armored "PGP MESSAGE" with key, which must hold its
// unencrypted private key (see ReadPrivate). It refuses a message that is not
// encrypted, that is not encrypted to key, whose integrity check fails, or
// that decompresses to more than 64 MiB.
func Decrypt(armored string, key *openpgp.Entity) ([]byte, error) {
	if key == nil || key.PrimaryKey == nil {
		return nil, errors.New("decrypt: no key")
	}
	fpr := Fingerprint(key)
	if key.PrivateKey == nil {
		return nil, fmt.Errorf("decrypt with key %s: this is a public key; decrypting needs the Space's private key", fpr)
	}
	if isEncrypted(key) {
		return nil, fmt.Errorf("decrypt with key %s: the private key is still encrypted with its passphrase", fpr)
	}
	block, err := armor.Decode(strings.NewReader(armored))
	if err == io.EOF {
		return nil, errors.New("decrypt: not an ASCII-armored OpenPGP message")
	}
	if err != nil {
		return nil, fmt.Errorf("decrypt: not an ASCII-armored OpenPGP message: %w", err)
	}
	if block.Type != messageType {
		return nil, fmt.Errorf("decrypt: expected a %q block, found %q", messageType, block.Type)
	}
	cfg := &packet.Config{MaxDecompressedMessageSize: &maxPlaintext}
	md, err := openpgp.ReadMessage(block.Body, openpgp.EntityList{key}, nil, cfg)
	if errors.Is(err, pgperrors.ErrKeyIncorrect) {
		return nil, fmt.Errorf("decrypt: the message is not encrypted to key %s", fpr)
	}
	if err != nil {
		return nil, fmt.Errorf("decrypt with key %s: %w", fpr, err)
	}
	if !md.IsEncrypted || md.DecryptedWith.Entity == nil {
		return nil, fmt.Errorf("decrypt with key %s: the message is not encrypted", fpr)
	}
	plaintext, err := io.ReadAll(md.UnverifiedBody)
	if err != nil {
		return nil, fmt.Errorf("decrypt with key %s: %w", fpr, err)
	}
	return plaintext, nil
}

// fingerprints lists the recipients' fingerprints for errors.
func fingerprints(el openpgp.EntityList) string {
	fprs := make([]string, len(el))
	for i, e := range el {
		fprs[i] = Fingerprint(e)
	}
	return strings.Join(fprs, ", ")
}
