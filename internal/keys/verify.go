package keys

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/zonectl/zonectl/internal/refusal"
)

// A Signature describes a signature that a Verifier accepted.
type Signature struct {
	// Fingerprint is the signer's primary key fingerprint (upper-case hex),
	// even when a signing subkey made the signature.
	Fingerprint string
	// Created is when the signature says it was made; the key was valid then.
	Created time.Time
}

// A Verifier checks detached signatures against a keyring of trusted public
// keys.
type Verifier struct {
	keyring openpgp.EntityList
	now     func() time.Time // only for a signature's own expiry time
	owner   string           // whose keys these are, for refusals ("peer \"devtest\"")
}

// Owned returns v saying, when it refuses a signature by a key it does
// not hold, whose keys it expected and their fingerprints: "signed by an
// unknown key" alone does not tell a replaced key from a forgery.
func (v *Verifier) Owned(owner string) *Verifier {
	c := *v
	c.owner = owner
	return &c
}

// expected names the keys v accepts, for a refusal.
func (v *Verifier) expected() string {
	var fprs []string
	for _, e := range v.keyring {
		if e.PrimaryKey != nil {
			fprs = append(fprs, strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint)))
		}
	}
	if v.owner == "" || len(fprs) == 0 {
		return ", which is not in the keyring"
	}
	return fmt.Sprintf(", not %s's key %s", v.owner, strings.Join(fprs, " or "))
}

// NewVerifier returns a Verifier that accepts signatures made by keys in
// keyring, and by no other key.
func NewVerifier(keyring openpgp.EntityList) *Verifier {
	return &Verifier{keyring: keyring, now: time.Now}
}

// Verify checks armoredSig, a detached signature such as a commit's gpgsig
// header, over payload. It is VerifyNamed("signature", payload, armoredSig).
func (v *Verifier) Verify(payload, armoredSig []byte) (*Signature, error) {
	return v.VerifyNamed("signature", payload, armoredSig)
}

// VerifyOK is Verify for callers that need only the verdict. Where an
// interface with the method Verify(payload, sig []byte) error is wanted (as
// gitstore.Verifier is), pass VerifyFunc(v.VerifyOK).
func (v *Verifier) VerifyOK(payload, armoredSig []byte) error {
	_, err := v.Verify(payload, armoredSig)
	return err
}

// VerifyFunc adapts a function to the one-method interface that packages
// needing only a verdict declare, Verify(payload, sig []byte) error, the way
// http.HandlerFunc adapts a function to http.Handler:
//
//	repo.VerifyCommit(h, keys.VerifyFunc(verifier.VerifyOK))
//
// Verifier.Verify itself also returns the *Signature, for callers that must
// know who signed (an import checks the signer is a trusted peer), so a
// *Verifier does not satisfy that interface directly.
type VerifyFunc func(payload, armoredSig []byte) error

// Verify calls f(payload, armoredSig).
func (f VerifyFunc) Verify(payload, armoredSig []byte) error { return f(payload, armoredSig) }

// VerifyNamed checks armoredSig, a detached signature over payload; what
// names the thing verified (e.g. "commit 1a2b3c4") in errors. Every refusal is
// a *refusal.Error. The steps, in order:
//
//  1. The signature must be present: one ASCII-armored "PGP SIGNATURE" block
//     holding exactly one signature packet. Empty means "not signed".
//  2. Its issuer must be a key in the keyring (the primary key or a subkey of
//     one of its entities); otherwise it is refused, naming the issuer key ID.
//  3. It must be a signature over a document (binary or text), using SHA-256
//     or a stronger hash, with no critical notation that we do not know.
//  4. It must verify cryptographically over payload: any altered byte in
//     either is refused.
//  5. The key must have been valid at the moment the signature says it was
//     made, not now: a signature made while the key was valid still verifies
//     after the key expires, but one made before the key was created, after
//     it expired, or after a soft revocation (reason "superseded" or
//     "retired") is refused. A hard revocation (reason "compromised", no
//     reason, or any other reason) refuses every signature, whatever its
//     date, because a stolen key can sign with any date.
//  6. The signature must not have passed its own expiry time, if its signer
//     gave it one (zonectl never does).
func (v *Verifier) VerifyNamed(what string, payload, armoredSig []byte) (*Signature, error) {
	refuse := func(reason string, err error) (*Signature, error) {
		return nil, refusal.Wrap(what, reason, err)
	}

	// 1.
	sig, reason, err := parseSignature(armoredSig)
	if reason != "" {
		return refuse(reason, err)
	}
	created := sig.CreationTime

	// 2.
	candidates := v.issuerKeys(sig)
	if len(candidates) == 0 {
		return refuse(fmt.Sprintf("signed by unknown key %s%s", issuerName(sig), v.expected()), nil)
	}

	// 3.
	if reason := checkForm(sig); reason != "" {
		return refuse(reason, nil)
	}

	// 4.
	var signer *openpgp.Key
	for i := range candidates {
		if err = checkCrypto(candidates[i].PublicKey, sig, payload); err == nil {
			signer = &candidates[i]
			break
		}
	}
	if signer == nil {
		return refuse(fmt.Sprintf("bad signature by key %s: the data or the signature was altered", issuerName(sig)), err)
	}

	// 5.
	if reason := checkKeyAt(*signer, created); reason != "" {
		return refuse(reason, nil)
	}

	// 6.
	if sig.SigLifetimeSecs != nil && *sig.SigLifetimeSecs != 0 {
		expiry := created.Add(time.Duration(*sig.SigLifetimeSecs) * time.Second)
		if v.now().After(expiry) {
			return refuse(fmt.Sprintf("signature by key %s expired on %s", Fingerprint(signer.Entity), formatTime(expiry)), nil)
		}
	}

	return &Signature{Fingerprint: Fingerprint(signer.Entity), Created: created}, nil
}

// parseSignature returns the single signature packet in an armored detached
// signature, or why there is none.
func parseSignature(armored []byte) (sig *packet.Signature, reason string, err error) {
	if len(bytes.TrimSpace(armored)) == 0 {
		return nil, "not signed", nil
	}
	block, err := armor.Decode(bytes.NewReader(armored))
	if err == io.EOF {
		return nil, "malformed signature: not an ASCII-armored OpenPGP signature", nil
	}
	if err != nil {
		return nil, "malformed signature: not an ASCII-armored OpenPGP signature", err
	}
	if block.Type != openpgp.SignatureType {
		return nil, fmt.Sprintf("malformed signature: expected a %q block, found %q", openpgp.SignatureType, block.Type), nil
	}
	packets := packet.NewReader(block.Body)
	n := 0
	for {
		p, err := packets.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "malformed signature", err
		}
		s, ok := p.(*packet.Signature)
		if !ok {
			return nil, fmt.Sprintf("malformed signature: holds a %T packet", p), nil
		}
		sig = s
		n++
	}
	switch n {
	case 0:
		return nil, "not signed", nil
	case 1:
		return sig, "", nil
	}
	return nil, fmt.Sprintf("malformed signature: holds %d signatures; expected one", n), nil
}

// issuerKeys returns the keys in the keyring that could have made sig.
func (v *Verifier) issuerKeys(sig *packet.Signature) []openpgp.Key {
	var keys []openpgp.Key
	for _, e := range v.keyring {
		if e == nil || e.PrimaryKey == nil {
			continue
		}
		if sig.CheckKeyIdOrFingerprint(e.PrimaryKey) {
			keys = append(keys, openpgp.Key{Entity: e, PublicKey: e.PrimaryKey, Revocations: e.Revocations})
		}
		for _, sub := range e.Subkeys {
			if sig.CheckKeyIdOrFingerprint(sub.PublicKey) {
				keys = append(keys, openpgp.Key{Entity: e, PublicKey: sub.PublicKey, SelfSignature: sub.Sig, Revocations: sub.Revocations})
			}
		}
	}
	return keys
}

// issuerName names the key that says it made sig: its key ID, and its
// fingerprint when the signature carries one.
func issuerName(sig *packet.Signature) string {
	var id string
	if sig.IssuerKeyId != nil {
		id = keyID(*sig.IssuerKeyId)
	}
	switch {
	case len(sig.IssuerFingerprint) > 0 && id != "":
		return fmt.Sprintf("%s (fingerprint %X)", id, sig.IssuerFingerprint)
	case len(sig.IssuerFingerprint) > 0:
		return fmt.Sprintf("%X", sig.IssuerFingerprint)
	case id != "":
		return id
	}
	return "(no issuer)"
}

// acceptedHashes are the digests a signature may use.
var acceptedHashes = map[crypto.Hash]bool{
	crypto.SHA256:   true,
	crypto.SHA384:   true,
	crypto.SHA512:   true,
	crypto.SHA3_256: true,
	crypto.SHA3_512: true,
}

// checkForm returns why sig is not an acceptable document signature, or "".
func checkForm(sig *packet.Signature) string {
	if sig.SigType != packet.SigTypeBinary && sig.SigType != packet.SigTypeText {
		return fmt.Sprintf("malformed signature: type %#02x is not a signature over a document", uint8(sig.SigType))
	}
	if !acceptedHashes[sig.Hash] {
		return fmt.Sprintf("signature by key %s uses a weak or unknown hash (%s); SHA-256 or stronger is required", issuerName(sig), sig.Hash)
	}
	for _, n := range sig.Notations {
		if n.IsCritical {
			return fmt.Sprintf("signature by key %s has an unknown critical notation %q", issuerName(sig), n.Name)
		}
	}
	return ""
}

// checkCrypto verifies sig over payload with pk.
func checkCrypto(pk *packet.PublicKey, sig *packet.Signature, payload []byte) error {
	h, err := sig.PrepareVerify()
	if err != nil {
		return err
	}
	w := h
	if sig.SigType == packet.SigTypeText {
		w = openpgp.NewCanonicalTextHash(h)
	}
	if _, err := w.Write(payload); err != nil {
		return err
	}
	if err := pk.VerifySignature(h, sig); err != nil {
		return err
	}
	return nil
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
