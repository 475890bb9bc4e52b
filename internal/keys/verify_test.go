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

var payload = []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor prod <prod@zonectl.invalid> 1700000000 +0000\n\nrelease acme-web 1.4.0\n")

func TestSignVerify(t *testing.T) {
	e := mustGenerate(t, "prod", date(2024, 3, 1))
	s := mustSigner(t, e)
	if s.Fingerprint() != Fingerprint(e) {
		t.Errorf("Signer.Fingerprint() = %s; want %s", s.Fingerprint(), Fingerprint(e))
	}
	sig, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(sig, []byte("-----BEGIN PGP SIGNATURE-----\n")) ||
		!bytes.HasSuffix(sig, []byte("\n-----END PGP SIGNATURE-----\n")) {
		t.Fatalf("Sign output is not an armored signature:\n%s", sig)
	}
	parsed, _, _ := parseSignature(sig)
	if parsed.Hash != crypto.SHA256 || parsed.SigType != packet.SigTypeBinary {
		t.Errorf("signature uses %s, type %d; want SHA-256, binary", parsed.Hash, parsed.SigType)
	}

	v := NewVerifier(publicOnly(t, e))
	got, err := v.Verify(payload, sig)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fingerprint != Fingerprint(e) {
		t.Errorf("signed by %s; want %s", got.Fingerprint, Fingerprint(e))
	}
	if !got.Created.Equal(parsed.CreationTime) {
		t.Errorf("created %s; want %s", got.Created, parsed.CreationTime)
	}
	wantErr(t, v.VerifyOK(payload, sig))

	// The Verifier serves through the one-method interface that packages
	// needing only a verdict declare (gitstore.Verifier).
	var verdict interface {
		Verify(payload, sig []byte) error
	} = VerifyFunc(v.VerifyOK)
	wantErr(t, verdict.Verify(payload, sig))
	wantRefused(t, verdict.Verify(payload, nil), "not signed")
}

func TestVerifyRefuses(t *testing.T) {
	e := mustGenerate(t, "prod", date(2024, 3, 1))
	stranger := mustGenerate(t, "prod", date(2024, 3, 1)) // same name, another key
	sig, err := mustSigner(t, e).Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	strangerSig, err := mustSigner(t, stranger).Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	parsed, _, _ := parseSignature(sig)
	pub, _ := ArmorPublic(e)

	tampered := bytes.Clone(payload)
	tampered[len(tampered)-2] ^= 1

	tests := []struct {
		name    string
		payload []byte
		sig     []byte
		want    []string
	}{
		{"tampered payload", tampered, sig, []string{"bad signature by key " + keyID(e.PrimaryKey.KeyId), "altered"}},
		{"payload with a byte added", append(bytes.Clone(payload), '\n'), sig, []string{"bad signature"}},
		{"empty payload", nil, sig, []string{"bad signature"}},
		{"unknown key", payload, strangerSig, []string{"signed by unknown key " + keyID(stranger.PrimaryKey.KeyId), Fingerprint(stranger)}},
		{"absent signature", payload, nil, []string{"not signed"}},
		{"blank signature", payload, []byte("\n"), []string{"not signed"}},
		{"empty signature block", payload, armorSignature(t), []string{"not signed"}},
		{"not armored", payload, []byte("gpgsig garbage"), []string{"malformed signature: not an ASCII-armored OpenPGP signature"}},
		{"public key instead", payload, pub, []string{`expected a "PGP SIGNATURE" block, found "PGP PUBLIC KEY BLOCK"`}},
		{"two signatures", payload, armorSignature(t, parsed, parsed), []string{"holds 2 signatures; expected one"}},
		{"weak hash", payload, signWith(t, e, payload, date(2024, 6, 1), crypto.SHA1), []string{"weak or unknown hash (SHA-1)"}},
	}
	v := NewVerifier(publicOnly(t, e))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.VerifyNamed("commit 1a2b3c4", tt.payload, tt.sig)
			wantRefused(t, err, tt.want...)
			if got != nil {
				t.Error("Verify returned a signature with its error")
			}
			if !strings.HasPrefix(err.Error(), "verify commit 1a2b3c4: ") {
				t.Errorf("error %q does not say what was verified", err)
			}
		})
	}

	t.Run("empty keyring", func(t *testing.T) {
		_, err := NewVerifier(nil).Verify(payload, sig)
		wantRefused(t, err, "signed by unknown key")
	})
	t.Run("tampered signature", func(t *testing.T) {
		// Change one bit of the signature value itself, re-armored so that
		// the armor checksum cannot catch it.
		var raw bytes.Buffer
		if err := parsed.Serialize(&raw); err != nil {
			t.Fatal(err)
		}
		b := raw.Bytes()
		b[len(b)-1] ^= 1 // the last byte of the EdDSA S value
		var armored bytes.Buffer
		w, _ := armor.Encode(&armored, openpgp.SignatureType, nil)
		w.Write(b)
		w.Close()
		_, err := v.Verify(payload, armored.Bytes())
		wantRefused(t, err, "bad signature")
	})
}

func TestVerifyTextSignature(t *testing.T) {
	e := mustGenerate(t, "prod", date(2024, 3, 1))
	var sig bytes.Buffer
	if err := openpgp.ArmoredDetachSignText(&sig, e, bytes.NewReader(payload), nil); err != nil {
		t.Fatal(err)
	}
	_, err := NewVerifier(publicOnly(t, e)).Verify(payload, sig.Bytes())
	wantRefused(t, err)
}

// TestVerificationError checks that a refused signature is a
// *refusal.Error, the one type the command line maps to exit 3.
func TestVerificationError(t *testing.T) {
	e := mustGenerate(t, "prod", date(2024, 3, 1))
	_, err := NewVerifier(publicOnly(t, e)).VerifyNamed("manifest.json", payload, nil)
	var r *refusal.Error
	if !errors.As(err, &r) {
		t.Fatalf("error %v (%T) is not a *refusal.Error", err, err)
	}
	if got, want := err.Error(), "verify manifest.json: not signed"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}

// TestVerifyAtSigningTime checks that a signature is judged by its key's
// validity when it was made, not now.
func TestVerifyAtSigningTime(t *testing.T) {
	created := date(2020, 1, 1)
	expiring, err := generate(GenerateOptions{Name: "prod", Time: created}, 366*24*time.Hour) // expires 2021-01-01
	if err != nil {
		t.Fatal(err)
	}
	signerBefore, err := newSigner(expiring, at(date(2020, 6, 1)))
	if err != nil {
		t.Fatal(err)
	}
	beforeExpiry, err := signerBefore.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newSigner(expiring, at(date(2021, 6, 1))); err == nil {
		t.Error("NewSigner accepted a key that had expired")
	}

	tests := []struct {
		name string
		sig  []byte
		want []string
	}{
		{"made before expiry, checked after", beforeExpiry, nil},
		{"made on the last valid day", signAt(t, expiring, payload, date(2020, 12, 31)), nil},
		{"made after expiry", signAt(t, expiring, payload, date(2021, 6, 1)), []string{"expired on 2021-01-01T00:00:00Z", "signature was made (2021-06-01T00:00:00Z)"}},
		{"made before the key was created", signAt(t, expiring, payload, date(2019, 6, 1)), []string{"signature made 2019-06-01T00:00:00Z, before key", "was created (2020-01-01T00:00:00Z)"}},
	}
	v := NewVerifier(publicOnly(t, expiring))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(payload, tt.sig)
			wantRefused(t, err, tt.want...)
		})
	}

	// Renewing the key (a newer self-signature with a later expiry, as `gpg
	// --quick-set-expire` makes) keeps old signatures good and makes new
	// ones good. go-crypto alone would refuse the old signature, because
	// its self-signature is newer than the signature.
	t.Run("renewed key", func(t *testing.T) {
		renewed := privateCopy(t, expiring)
		renew(t, renewed, date(2020, 12, 1), 3*366*24*time.Hour)
		v := NewVerifier(publicOnly(t, renewed))
		for _, sig := range [][]byte{beforeExpiry, signAt(t, renewed, payload, date(2021, 6, 1))} {
			_, err := v.Verify(payload, sig)
			wantRefused(t, err)
		}
		_, err := v.Verify(payload, signAt(t, renewed, payload, date(2024, 6, 1)))
		wantRefused(t, err, "expired on 2023")
	})

	// gpg exports only the newest self-signature, so a peer's key as
	// exported after a renewal has none older than the old signature.
	// That one still verifies; the renewed key's lifetime still bounds
	// later ones.
	t.Run("renewed key exported by gpg", func(t *testing.T) {
		renewed := privateCopy(t, expiring)
		renew(t, renewed, date(2020, 12, 1), 3*366*24*time.Hour)
		dropOlderSelfSignatures(renewed)
		v := NewVerifier(publicOnly(t, renewed))
		for _, sig := range [][]byte{beforeExpiry, signAt(t, renewed, payload, date(2021, 6, 1))} {
			_, err := v.Verify(payload, sig)
			wantRefused(t, err)
		}
		_, err := v.Verify(payload, signAt(t, renewed, payload, date(2024, 6, 1)))
		wantRefused(t, err, "expired on 2023")
	})

	// Shortened after the signature was made, to a date after it: the
	// signature still verifies. Shortened to a date before it: the key's
	// owner says it was no longer valid then, and it is refused.
	t.Run("shortened key exported by gpg", func(t *testing.T) {
		for _, tc := range []struct {
			lifetime time.Duration
			want     []string
		}{
			{200 * 24 * time.Hour, nil},
			{100 * 24 * time.Hour, []string{"expired on 2020-04-10", "signature was made (2020-06-01"}},
		} {
			shortened := privateCopy(t, expiring)
			renew(t, shortened, date(2020, 12, 1), tc.lifetime)
			dropOlderSelfSignatures(shortened)
			_, err := NewVerifier(publicOnly(t, shortened)).Verify(payload, beforeExpiry)
			wantRefused(t, err, tc.want...)
		}
	})
}

// dropOlderSelfSignatures keeps only the newest self-signature on each
// user ID, as gpg --export writes a key.
func dropOlderSelfSignatures(e *openpgp.Entity) {
	for _, id := range e.Identities {
		id.Signatures = []*packet.Signature{id.SelfSignature}
	}
}

// TestVerifySignatureExpiry checks a signature that its signer gave an
// expiry time (zonectl never does; other tools can): it is refused once that
// time has passed, as gpg and git verify-commit refuse it.
func TestVerifySignatureExpiry(t *testing.T) {
	e := mustGenerate(t, "prod", date(2020, 1, 1))
	lifetime := uint32(30 * 24 * 3600)
	sig := signPacket(t, e, payload, &packet.Signature{
		SigType:         packet.SigTypeBinary,
		Hash:            crypto.SHA256,
		CreationTime:    date(2020, 6, 1),
		SigLifetimeSecs: &lifetime,
	})
	v := NewVerifier(publicOnly(t, e))
	v.now = at(date(2020, 6, 15))
	_, err := v.Verify(payload, sig)
	wantRefused(t, err)
	v.now = at(date(2020, 8, 1))
	_, err = v.Verify(payload, sig)
	wantRefused(t, err, "expired on 2020-07-01T00:00:00Z")
}

// renew adds a self-signature made at when, setting the key's lifetime.
func renew(t *testing.T, e *openpgp.Entity, when time.Time, lifetime time.Duration) {
	t.Helper()
	id := e.PrimaryIdentity()
	old := id.SelfSignature
	secs := uint32(lifetime / time.Second)
	primary := true
	sig := &packet.Signature{
		Version:            4,
		SigType:            packet.SigTypePositiveCert,
		PubKeyAlgo:         e.PrimaryKey.PubKeyAlgo,
		Hash:               crypto.SHA256,
		CreationTime:       when,
		IssuerKeyId:        &e.PrimaryKey.KeyId,
		IssuerKeyVersion:   4,
		IssuerFingerprint:  e.PrimaryKey.Fingerprint,
		KeyLifetimeSecs:    &secs,
		FlagsValid:         true,
		FlagSign:           true,
		FlagCertify:        true,
		IsPrimaryId:        &primary,
		PreferredHash:      old.PreferredHash,
		PreferredSymmetric: old.PreferredSymmetric,
	}
	if err := sig.SignUserId(id.UserId.Id, e.PrimaryKey, e.PrivateKey, &packet.Config{Time: at(when)}); err != nil {
		t.Fatal(err)
	}
	id.Signatures = append(id.Signatures, sig)
	id.SelfSignature = sig
}

// TestVerifyRevoked checks soft and hard revocations. The key signs on
// 2020-06-01 and on 2021-06-01, and is revoked on 2021-01-01 (or, in one
// case, on 2020-03-01, before both signatures).
func TestVerifyRevoked(t *testing.T) {
	e := mustGenerate(t, "prod", date(2020, 1, 1))
	early := signAt(t, e, payload, date(2020, 6, 1))
	late := signAt(t, e, payload, date(2021, 6, 1))
	revokedOn := date(2021, 1, 1)

	reason := func(r packet.ReasonForRevocation) *packet.ReasonForRevocation { return &r }
	tests := []struct {
		name      string
		reason    *packet.ReasonForRevocation // nil: no reason subpacket at all
		text      string
		on        time.Time
		wantEarly []string
		wantLate  []string
	}{
		{"superseded", reason(packet.KeySuperseded), "new key", revokedOn,
			nil, []string{"was revoked on 2021-01-01T00:00:00Z (superseded: \"new key\"), before the signature was made (2021-06-01T00:00:00Z)"}},
		{"retired", reason(packet.KeyRetired), "", revokedOn,
			nil, []string{"(retired), before the signature was made"}},
		{"superseded before both", reason(packet.KeySuperseded), "", date(2020, 3, 1),
			[]string{"revoked on 2020-03-01"}, []string{"revoked on 2020-03-01"}},
		{"compromised", reason(packet.KeyCompromised), "stolen laptop", revokedOn,
			[]string{"revoked on 2021-01-01T00:00:00Z (compromised: \"stolen laptop\")", "cannot be trusted for any signature"}, []string{"(compromised"}},
		{"no reason specified", reason(packet.NoReason), "", revokedOn,
			[]string{"(no reason specified)"}, []string{"(no reason specified)"}},
		{"no reason subpacket", nil, "", revokedOn,
			[]string{"(no reason given)"}, []string{"(no reason given)"}},
		{"user ID no longer valid", reason(packet.UserIDNotValid), "", revokedOn,
			[]string{"(reason 32)"}, []string{"(reason 32)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			revoked := privateCopy(t, e)
			revoke(t, revoked, tt.reason, tt.text, tt.on)
			v := NewVerifier(publicOnly(t, revoked))
			if len(v.keyring[0].Revocations) != 1 {
				t.Fatalf("the public key carries %d revocations; want 1", len(v.keyring[0].Revocations))
			}
			_, err := v.Verify(payload, early)
			wantRefused(t, err, tt.wantEarly...)
			_, err = v.Verify(payload, late)
			wantRefused(t, err, tt.wantLate...)
		})
	}
}

// revoke adds a key revocation signature made on the given date; reason nil
// leaves out the reason subpacket, as some tools do.
func revoke(t *testing.T, e *openpgp.Entity, reason *packet.ReasonForRevocation, text string, on time.Time) {
	t.Helper()
	cfg := &packet.Config{Time: at(on)}
	if reason != nil {
		if err := e.RevokeKey(*reason, text, cfg); err != nil {
			t.Fatal(err)
		}
		return
	}
	sig := &packet.Signature{
		Version:           4,
		SigType:           packet.SigTypeKeyRevocation,
		PubKeyAlgo:        e.PrimaryKey.PubKeyAlgo,
		Hash:              crypto.SHA256,
		CreationTime:      on,
		IssuerKeyId:       &e.PrimaryKey.KeyId,
		IssuerKeyVersion:  4,
		IssuerFingerprint: e.PrimaryKey.Fingerprint,
	}
	if err := sig.RevokeKey(e.PrimaryKey, e.PrivateKey, cfg); err != nil {
		t.Fatal(err)
	}
	e.Revocations = append(e.Revocations, sig)
}

// TestVerifySigningSubkey covers keys that sign with a subkey, as keys
// made by GnuPG's defaults often do: the signature is attributed to the
// primary key, and the subkey's own revocation counts.
func TestVerifySigningSubkey(t *testing.T) {
	e := mustGenerate(t, "prod", date(2020, 1, 1))
	if err := e.AddSigningSubkey(&packet.Config{
		Algorithm: packet.PubKeyAlgoEdDSA,
		Time:      at(date(2020, 2, 1)),
	}); err != nil {
		t.Fatal(err)
	}
	s, err := newSigner(e, at(date(2020, 6, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if s.keyID != e.Subkeys[1].PublicKey.KeyId {
		t.Fatalf("signer uses key %s; want the signing subkey", keyID(s.keyID))
	}
	sig, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}

	v := NewVerifier(publicOnly(t, e))
	got, err := v.Verify(payload, sig)
	wantRefused(t, err)
	if got.Fingerprint != Fingerprint(e) {
		t.Errorf("signed by %s; want the primary key %s", got.Fingerprint, Fingerprint(e))
	}

	revoked := privateCopy(t, e)
	if err := revoked.RevokeSubkey(&revoked.Subkeys[1], packet.KeyCompromised, "", &packet.Config{Time: at(date(2021, 1, 1))}); err != nil {
		t.Fatal(err)
	}
	_, err = NewVerifier(publicOnly(t, revoked)).Verify(payload, sig)
	wantRefused(t, err, "subkey", "(compromised)")
}
