package keys

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

func TestEncryptDecrypt(t *testing.T) {
	prod := mustGenerate(t, "prod", date(2024, 3, 1))
	test := mustGenerate(t, "test", date(2024, 3, 1))

	tests := []struct {
		name       string
		plaintext  []byte
		recipients []*openpgp.Entity
	}{
		{"one recipient", []byte("hunter2"), []*openpgp.Entity{prod}},
		{"two recipients", []byte("hunter2"), []*openpgp.Entity{prod, test}},
		{"empty value", []byte{}, []*openpgp.Entity{prod}},
		{"binary value", []byte{0, 1, 2, 0xff, '\r', '\n'}, []*openpgp.Entity{prod}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var recipients openpgp.EntityList
			for _, e := range tt.recipients {
				recipients = append(recipients, publicOnly(t, e)...) // encrypt with public keys only
			}
			msg, err := Encrypt(tt.plaintext, recipients)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(msg, "-----BEGIN PGP MESSAGE-----\n") || !strings.HasSuffix(msg, "-----END PGP MESSAGE-----\n") {
				t.Fatalf("Encrypt output is not an armored message:\n%s", msg)
			}
			if len(tt.plaintext) > 0 && strings.Contains(msg, string(tt.plaintext)) {
				t.Fatal("the message holds the plaintext")
			}
			for _, e := range tt.recipients {
				got, err := Decrypt(msg, e)
				if err != nil {
					t.Fatalf("Decrypt with %s: %v", Fingerprint(e), err)
				}
				if !bytes.Equal(got, tt.plaintext) {
					t.Errorf("Decrypt = %q; want %q", got, tt.plaintext)
				}
			}
		})
	}
}

func TestEncryptUsesAES256(t *testing.T) {
	e := mustGenerate(t, "prod", date(2024, 3, 1))
	msg, err := Encrypt([]byte("hunter2"), publicOnly(t, e))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := armor.Decode(strings.NewReader(msg))
	packets := packet.NewReader(block.Body)
	p, err := packets.Next()
	if err != nil {
		t.Fatal(err)
	}
	ek, ok := p.(*packet.EncryptedKey)
	if !ok {
		t.Fatalf("first packet is %T; want an encrypted session key", p)
	}
	if err := ek.Decrypt(e.Subkeys[0].PrivateKey, nil); err != nil {
		t.Fatal(err)
	}
	if ek.CipherFunc != packet.CipherAES256 {
		t.Errorf("message cipher %d; want AES-256 (%d)", ek.CipherFunc, packet.CipherAES256)
	}
	p, err = packets.Next()
	if err != nil {
		t.Fatal(err)
	}
	if se, ok := p.(*packet.SymmetricallyEncrypted); !ok || se.Version != 1 || !se.IntegrityProtected {
		t.Errorf("data packet %T; want SEIPD v1 with integrity protection, which GnuPG 2.2 reads", p)
	}
}

func TestDecryptRefuses(t *testing.T) {
	prod := mustGenerate(t, "prod", date(2024, 3, 1))
	other := mustGenerate(t, "test", date(2024, 3, 1))
	msg, err := Encrypt([]byte("hunter2"), publicOnly(t, prod))
	if err != nil {
		t.Fatal(err)
	}

	// A literal data packet, armored as a message: readable, not encrypted.
	var plain bytes.Buffer
	aw, _ := armor.Encode(&plain, "PGP MESSAGE", nil)
	lw, err := packet.SerializeLiteral(aw, true, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	lw.Write([]byte("hunter2"))
	lw.Close()
	aw.Close()

	// Flip a bit in the encrypted data, re-armored so that the armor
	// checksum cannot catch it: the integrity check must.
	block, _ := armor.Decode(strings.NewReader(msg))
	var raw bytes.Buffer
	raw.ReadFrom(block.Body)
	b := raw.Bytes()
	b[len(b)-30] ^= 1
	var tampered bytes.Buffer
	aw, _ = armor.Encode(&tampered, "PGP MESSAGE", nil)
	aw.Write(b)
	aw.Close()

	pubOnly := publicOnly(t, prod)[0]
	sig, _ := mustSigner(t, prod).Sign([]byte("x"))

	tests := []struct {
		name string
		msg  string
		key  *openpgp.Entity
		want []string
	}{
		{"another Space's key", msg, other, []string{"not encrypted to key " + Fingerprint(other)}},
		{"public key only", msg, pubOnly, []string{"this is a public key"}},
		{"not encrypted", plain.String(), prod, []string{"the message is not encrypted"}},
		{"tampered", tampered.String(), prod, []string{"decrypt with key " + Fingerprint(prod)}},
		{"not armored", "hunter2", prod, []string{"not an ASCII-armored OpenPGP message"}},
		{"a signature", string(sig), prod, []string{`expected a "PGP MESSAGE" block, found "PGP SIGNATURE"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decrypt(tt.msg, tt.key)
			wantErr(t, err, tt.want...)
			if got != nil {
				t.Errorf("Decrypt returned %q with its error", got)
			}
		})
	}

	t.Run("no recipients", func(t *testing.T) {
		_, err := Encrypt([]byte("x"), nil)
		wantErr(t, err, "no recipients")
	})
}

func TestDecryptBoundsDecompression(t *testing.T) {
	e := mustGenerate(t, "prod", date(2024, 3, 1))
	recipients := publicOnly(t, e)
	// GnuPG honours the key's preference for no compression, and so does
	// Encrypt; a peer's tool might not.
	self, _ := recipients[0].PrimarySelfSignature()
	self.PreferredCompression = []uint8{uint8(packet.CompressionZLIB)}
	var msg bytes.Buffer
	aw, _ := armor.Encode(&msg, "PGP MESSAGE", nil)
	pw, err := openpgp.Encrypt(aw, recipients, nil, nil, &packet.Config{DefaultCompressionAlgo: packet.CompressionZLIB})
	if err != nil {
		t.Fatal(err)
	}
	pw.Write(make([]byte, 4096))
	pw.Close()
	aw.Close()
	if msg.Len() > 1024 {
		t.Fatalf("the test message is not compressed (%d bytes)", msg.Len())
	}

	got, err := Decrypt(msg.String(), e)
	if err != nil || len(got) != 4096 {
		t.Fatalf("Decrypt = %d bytes, %v; want 4096", len(got), err)
	}
	defer func(old int64) { maxPlaintext = old }(maxPlaintext)
	maxPlaintext = 1024
	got, err = Decrypt(msg.String(), e)
	wantErr(t, err, "decrypt with key "+Fingerprint(e))
	if got != nil {
		t.Errorf("Decrypt returned %d bytes with its error", len(got))
	}
}
