package keys

import (
	"bytes"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
)

func TestArmorRoundTrip(t *testing.T) {
	e := mustGenerate(t, "prod", date(2024, 3, 1))
	fpr := Fingerprint(e)

	pub, err := ArmorPublic(e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pub, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n")) ||
		!bytes.HasSuffix(pub, []byte("-----END PGP PUBLIC KEY BLOCK-----\n")) {
		t.Errorf("ArmorPublic output is not a public key block:\n%s", pub)
	}
	el, err := ReadPublic("keys/prod.asc", pub)
	if err != nil {
		t.Fatal(err)
	}
	if len(el) != 1 || Fingerprint(el[0]) != fpr {
		t.Fatalf("ReadPublic read %d keys, first %s; want 1 key %s", len(el), Fingerprint(el[0]), fpr)
	}
	if el[0].PrivateKey != nil {
		t.Error("ReadPublic returned a private key")
	}
	if len(el[0].Subkeys) != 1 {
		t.Errorf("public key has %d subkeys; want 1", len(el[0].Subkeys))
	}

	for _, pass := range []string{"", "correct horse battery staple"} {
		t.Run("passphrase="+pass, func(t *testing.T) {
			priv, err := ArmorPrivate(e, []byte(pass))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(priv, []byte("-----BEGIN PGP PRIVATE KEY BLOCK-----\n")) {
				t.Errorf("ArmorPrivate output is not a private key block:\n%s", priv)
			}
			if e.PrivateKey.Encrypted || e.Subkeys[0].PrivateKey.Encrypted {
				t.Fatal("ArmorPrivate encrypted the caller's key")
			}
			got, err := ReadPrivate("prod.key", priv, []byte(pass))
			if err != nil {
				t.Fatal(err)
			}
			if Fingerprint(got) != fpr {
				t.Errorf("read back key %s; want %s", Fingerprint(got), fpr)
			}
			if isEncrypted(got) {
				t.Error("ReadPrivate returned a key still encrypted")
			}
			if _, err := NewSigner(got); err != nil {
				t.Errorf("read back key cannot sign: %v", err)
			}
			// The public half is unchanged: same signatures, same bytes.
			pub2, err := ArmorPublic(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pub, pub2) {
				t.Error("the public key read back from the private key differs from the original")
			}

			if pass == "" {
				return
			}
			// Every secret part is protected, not just the primary key.
			locked, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(priv))
			if err != nil {
				t.Fatal(err)
			}
			if !locked[0].PrivateKey.Encrypted || !locked[0].Subkeys[0].PrivateKey.Encrypted {
				t.Error("ArmorPrivate left a secret key unencrypted")
			}
			_, err = ReadPrivate("prod.key", priv, nil)
			wantErr(t, err, `private key "prod.key" is protected by a passphrase; set ZONECTL_PASSPHRASE_FILE`)
			_, err = ReadPrivate("prod.key", priv, []byte("wrong"))
			wantErr(t, err, `"prod.key"`, "wrong passphrase", fpr)
		})
	}
}

func TestArmorPrivateRefusesPublicKey(t *testing.T) {
	el := publicOnly(t, mustGenerate(t, "prod", date(2024, 3, 1)))
	_, err := ArmorPrivate(el[0], nil)
	wantErr(t, err, "public key only")
}

func TestReadPublicErrors(t *testing.T) {
	e := mustGenerate(t, "prod", date(2024, 3, 1))
	priv, err := ArmorPrivate(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	var binPriv bytes.Buffer
	if err := e.SerializePrivateWithoutSigning(&binPriv, nil); err != nil {
		t.Fatal(err)
	}
	sig, err := mustSigner(t, e).Sign([]byte("payload"))
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := ArmorPublic(e)

	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"empty", nil, []string{`"k.asc" is empty`}},
		{"blank", []byte("\n \n"), []string{`"k.asc" is empty`}},
		{"garbage text", []byte("hello, world\n"), []string{`"k.asc" is not a readable OpenPGP key`}},
		{"garbage binary", []byte{0x99, 0x00, 0x01, 0x02}, []string{`"k.asc"`}},
		{"armored private key", priv, []string{`"k.asc"`, exportHint}},
		{"binary private key", binPriv.Bytes(), []string{`"k.asc"`, Fingerprint(e), exportHint}},
		{"signature", sig, []string{`"k.asc" holds a "PGP SIGNATURE" block; expected an OpenPGP public key`}},
		{"truncated armor", pub[:len(pub)/2], []string{`"k.asc"`}},
		{"armor header only", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n"), []string{`"k.asc"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			el, err := ReadPublic("k.asc", tt.data)
			wantErr(t, err, tt.want...)
			if el != nil {
				t.Errorf("ReadPublic returned %d keys with its error", len(el))
			}
		})
	}
}

func TestReadPublicBinaryAndMany(t *testing.T) {
	a := mustGenerate(t, "prod", date(2024, 3, 1))
	b := mustGenerate(t, "test", date(2024, 3, 1))
	var bin bytes.Buffer
	for _, e := range []*openpgp.Entity{a, b} {
		if err := e.Serialize(&bin); err != nil {
			t.Fatal(err)
		}
	}
	el, err := ReadPublic("peers.gpg", bin.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(el) != 2 || Fingerprint(el[0]) != Fingerprint(a) || Fingerprint(el[1]) != Fingerprint(b) {
		t.Errorf("read %d keys; want both, in order", len(el))
	}
}

func TestReadPrivateErrors(t *testing.T) {
	a := mustGenerate(t, "prod", date(2024, 3, 1))
	b := mustGenerate(t, "test", date(2024, 3, 1))
	pub, _ := ArmorPublic(a)
	var two bytes.Buffer
	for _, e := range []*openpgp.Entity{a, b} {
		if err := e.SerializePrivateWithoutSigning(&two, nil); err != nil {
			t.Fatal(err)
		}
	}
	var binPub bytes.Buffer
	a.Serialize(&binPub)

	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"empty", nil, []string{`"k.key" is empty; expected an OpenPGP private key`}},
		{"garbage", []byte("not a key"), []string{`"k.key" is not a readable OpenPGP key`}},
		{"armored public key", pub, []string{`private key "k.key" holds a public key`}},
		{"binary public key", binPub.Bytes(), []string{`private key "k.key" holds only the public key`, Fingerprint(a)}},
		{"two keys", two.Bytes(), []string{`private key "k.key" holds 2 keys; expected one`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ReadPrivate("k.key", tt.data, nil)
			wantErr(t, err, tt.want...)
			if e != nil {
				t.Error("ReadPrivate returned a key with its error")
			}
		})
	}
}

func TestReadPrivateIgnoresUnneededPassphrase(t *testing.T) {
	e := mustGenerate(t, "prod", date(2024, 3, 1))
	priv, _ := ArmorPrivate(e, nil)
	got, err := ReadPrivate("k.key", priv, []byte("unused"))
	wantErr(t, err)
	if Fingerprint(got) != Fingerprint(e) {
		t.Error("wrong key")
	}
}

func mustSigner(t testing.TB, e *openpgp.Entity) *Signer {
	t.Helper()
	s, err := NewSigner(e)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
