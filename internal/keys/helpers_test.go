package keys

import (
	"bytes"
	"crypto"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/zonectl/zonectl/internal/refusal"
)

// date returns midnight UTC on the given day.
func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// at returns a clock stopped at t.
func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func mustGenerate(t testing.TB, name string, created time.Time) *openpgp.Entity {
	t.Helper()
	e, err := Generate(GenerateOptions{Name: name, Time: created})
	if err != nil {
		t.Fatalf("Generate(%q): %v", name, err)
	}
	return e
}

// publicOnly returns e as a peer sees it: armored, committed and read back.
func publicOnly(t testing.TB, e *openpgp.Entity) openpgp.EntityList {
	t.Helper()
	pub, err := ArmorPublic(e)
	if err != nil {
		t.Fatalf("ArmorPublic: %v", err)
	}
	el, err := ReadPublic("test.asc", pub)
	if err != nil {
		t.Fatalf("ReadPublic: %v", err)
	}
	return el
}

// privateCopy returns an independent copy of e's private key.
func privateCopy(t testing.TB, e *openpgp.Entity) *openpgp.Entity {
	t.Helper()
	priv, err := ArmorPrivate(e, nil)
	if err != nil {
		t.Fatalf("ArmorPrivate: %v", err)
	}
	cp, err := ReadPrivate("copy.asc", priv, nil)
	if err != nil {
		t.Fatalf("ReadPrivate: %v", err)
	}
	return cp
}

// signWith makes a detached signature by e's primary key dated when, with
// hash h, bypassing go-crypto's checks that the key may sign at that time, so
// that tests can make the signatures an attacker or a stale clock would.
func signWith(t testing.TB, e *openpgp.Entity, payload []byte, when time.Time, h crypto.Hash) []byte {
	t.Helper()
	return signPacket(t, e, payload, &packet.Signature{SigType: packet.SigTypeBinary, Hash: h, CreationTime: when})
}

// signPacket completes sig with e's primary key as its issuer, signs payload
// with it and returns it armored.
func signPacket(t testing.TB, e *openpgp.Entity, payload []byte, sig *packet.Signature) []byte {
	t.Helper()
	pk := e.PrimaryKey
	sig.Version = pk.Version
	sig.PubKeyAlgo = pk.PubKeyAlgo
	sig.IssuerKeyId = &pk.KeyId
	sig.IssuerKeyVersion = uint8(pk.Version)
	sig.IssuerFingerprint = pk.Fingerprint
	hash, err := sig.PrepareSign(nil)
	if err != nil {
		t.Fatal(err)
	}
	hash.Write(payload)
	// go-crypto's salt notation knows only SHA-2 and SHA-3 sizes; leave it
	// out so that this can make the SHA-1 signatures old tools made.
	cfg := &packet.Config{NonDeterministicSignaturesViaNotation: packet.BoolPointer(false)}
	if err := sig.Sign(hash, e.PrivateKey, cfg); err != nil {
		t.Fatal(err)
	}
	return armorSignature(t, sig)
}

func signAt(t testing.TB, e *openpgp.Entity, payload []byte, when time.Time) []byte {
	t.Helper()
	return signWith(t, e, payload, when, crypto.SHA256)
}

func armorSignature(t testing.TB, sigs ...*packet.Signature) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.SignatureType, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range sigs {
		if err := sig.Serialize(w); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	buf.WriteByte('\n')
	return buf.Bytes()
}

// wantErr checks that err is non-nil and mentions every one of parts;
// with no parts it checks only that err is nil.
func wantErr(t testing.TB, err error, parts ...string) {
	t.Helper()
	if len(parts) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error; want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

// wantRefused checks that err is a *refusal.Error whose reason mentions
// every one of parts; with no parts it checks that err is nil.
func wantRefused(t testing.TB, err error, parts ...string) {
	t.Helper()
	if len(parts) == 0 {
		if err != nil {
			t.Fatalf("signature refused: %v", err)
		}
		return
	}
	var ve *refusal.Error
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *refusal.Error", err, err)
	}
	for _, p := range parts {
		if !strings.Contains(ve.Reason, p) {
			t.Errorf("reason %q does not mention %q", ve.Reason, p)
		}
	}
}
