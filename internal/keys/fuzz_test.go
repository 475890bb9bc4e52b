package keys

import (
	"bytes"
	"testing"
)

// FuzzReadPublic checks that ReadPublic never panics, returns keys or an
// error but not both, never returns a private key, and that what it accepts
// survives ArmorPublic and a second read unchanged.
func FuzzReadPublic(f *testing.F) {
	e := mustGenerate(f, "prod", date(2024, 3, 1))
	pub, err := ArmorPublic(e)
	if err != nil {
		f.Fatal(err)
	}
	var bin bytes.Buffer
	if err := e.Serialize(&bin); err != nil {
		f.Fatal(err)
	}
	priv, err := ArmorPrivate(e, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pub)
	f.Add(bin.Bytes())
	f.Add(priv)
	f.Add([]byte{})
	f.Add([]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n=twTO\n-----END PGP PUBLIC KEY BLOCK-----\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		el, err := ReadPublic("fuzz.asc", data)
		if err != nil {
			if el != nil {
				t.Fatalf("ReadPublic returned %d keys and an error: %v", len(el), err)
			}
			return
		}
		if len(el) == 0 {
			t.Fatal("ReadPublic returned no keys and no error")
		}
		for _, k := range el {
			if k == nil || k.PrimaryKey == nil {
				t.Fatal("ReadPublic returned a nil key")
			}
			if k.PrivateKey != nil {
				t.Fatal("ReadPublic returned a private key")
			}
			armored, err := ArmorPublic(k)
			if err != nil {
				continue // some keys go-crypto reads it cannot write; that is not ours to fix
			}
			again, err := ReadPublic("again.asc", armored)
			if err != nil {
				t.Fatalf("key %s does not read back after ArmorPublic: %v", Fingerprint(k), err)
			}
			if len(again) != 1 || Fingerprint(again[0]) != Fingerprint(k) {
				t.Fatalf("key %s reads back as %d keys", Fingerprint(k), len(again))
			}
		}
	})
}
