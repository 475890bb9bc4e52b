package keys

import (
	"fmt"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// checkKeyAt returns why key could not have made a signature at t, or "" when
// it could. key is the primary key of key.Entity or one of its subkeys.
//
// go-crypto judges validity at a single "now" (packet.Config.Time). Setting
// that to t gets expiry right but not revocation (it treats a revocation with
// no reason as soft), and it reads expiry from the newest self-signature, so
// a key whose self-signature was renewed after t would refuse every older
// signature. Hence this check, which uses the self-signature that was in
// effect at t and classifies revocations itself.
//
// Identity (user ID) revocations are not checked: they withdraw a name, not
// the key.
func checkKeyAt(key openpgp.Key, t time.Time) string {
	e := key.Entity
	primary := e.PrimaryKey
	fpr := Fingerprint(e)

	if r := revokedAt(e.Revocations, t); r != "" {
		return fmt.Sprintf("key %s %s", fpr, r)
	}
	if primary.CreationTime.After(t) {
		return fmt.Sprintf("signature made %s, before key %s was created (%s)", formatTime(t), fpr, formatTime(primary.CreationTime))
	}
	self := selfSignatureAt(e, t)
	if self == nil {
		return fmt.Sprintf("key %s had no valid self-signature when the signature was made (%s)", fpr, formatTime(t))
	}
	if r := expiredAt(primary, self, t); r != "" {
		return fmt.Sprintf("key %s %s", fpr, r)
	}

	if key.PublicKey == primary {
		if !self.FlagsValid || !self.FlagSign {
			return fmt.Sprintf("key %s is not allowed to make signatures", fpr)
		}
		return ""
	}

	// A signing subkey. go-crypto keeps only its newest binding signature,
	// so that one decides the subkey's flags and expiry.
	sub := fmt.Sprintf("subkey %X of key %s", key.PublicKey.Fingerprint, fpr)
	if r := revokedAt(key.Revocations, t); r != "" {
		return sub + " " + r
	}
	if key.PublicKey.CreationTime.After(t) {
		return fmt.Sprintf("signature made %s, before %s was created (%s)", formatTime(t), sub, formatTime(key.PublicKey.CreationTime))
	}
	bind := key.SelfSignature
	if bind == nil || !bind.FlagsValid || !bind.FlagSign {
		return sub + " is not allowed to make signatures"
	}
	if r := expiredAt(key.PublicKey, bind, t); r != "" {
		return sub + " " + r
	}
	return ""
}

// revokedAt returns how revocations forbid a signature made at t, or "". A
// hard revocation forbids every signature; a soft one (the key was superseded
// or retired) only those made from its date on.
func revokedAt(revocations []*packet.Signature, t time.Time) string {
	for _, r := range revocations {
		if !isSoftRevocation(r) {
			return fmt.Sprintf("was revoked on %s (%s); a key revoked for this reason cannot be trusted for any signature",
				formatTime(r.CreationTime), revocationReason(r))
		}
	}
	for _, r := range revocations {
		if !r.CreationTime.After(t) {
			return fmt.Sprintf("was revoked on %s (%s), before the signature was made (%s)",
				formatTime(r.CreationTime), revocationReason(r), formatTime(t))
		}
	}
	return ""
}

// isSoftRevocation reports whether r says the key was retired in an orderly
// way, leaving its earlier signatures good.
func isSoftRevocation(r *packet.Signature) bool {
	if r.RevocationReason == nil {
		return false
	}
	switch *r.RevocationReason {
	case packet.KeySuperseded, packet.KeyRetired:
		return true
	}
	return false
}

func revocationReason(r *packet.Signature) string {
	var reason string
	switch {
	case r.RevocationReason == nil:
		reason = "no reason given"
	case *r.RevocationReason == packet.NoReason:
		reason = "no reason specified"
	case *r.RevocationReason == packet.KeySuperseded:
		reason = "superseded"
	case *r.RevocationReason == packet.KeyCompromised:
		reason = "compromised"
	case *r.RevocationReason == packet.KeyRetired:
		reason = "retired"
	default:
		reason = fmt.Sprintf("reason %d", *r.RevocationReason)
	}
	if r.RevocationReasonText != "" {
		reason += fmt.Sprintf(": %q", r.RevocationReasonText)
	}
	return reason
}

// expiredAt returns how the self-signature self makes pk expired at t, or "".
func expiredAt(pk *packet.PublicKey, self *packet.Signature, t time.Time) string {
	if self.KeyLifetimeSecs != nil && *self.KeyLifetimeSecs != 0 {
		expiry := pk.CreationTime.Add(time.Duration(*self.KeyLifetimeSecs) * time.Second)
		if t.After(expiry) {
			return fmt.Sprintf("expired on %s, before the signature was made (%s)", formatTime(expiry), formatTime(t))
		}
	}
	if self.SigLifetimeSecs != nil && *self.SigLifetimeSecs != 0 {
		expiry := self.CreationTime.Add(time.Duration(*self.SigLifetimeSecs) * time.Second)
		if t.After(expiry) {
			return fmt.Sprintf("self-signature expired on %s, before the signature was made (%s)", formatTime(expiry), formatTime(t))
		}
	}
	return ""
}

// selfSignatureAt returns the self-signature that described e's primary key
// at t: the newest one made no later than t, preferring one that marks its
// user ID as primary (v4), or the newest direct-key signature (v6).
//
// When every self-signature is newer than t, it is the oldest of them. A
// key's self-signature is replaced whenever its expiry changes (gpg
// --quick-set-expire), and gpg exports only the newest; that one still
// describes the key at t, whose lifetime counts from the key's creation,
// not the self-signature's. gpg judges every signature by the newest.
func selfSignatureAt(e *openpgp.Entity, t time.Time) *packet.Signature {
	var best, later *packet.Signature
	for _, sig := range selfSignatures(e) {
		if sig.CreationTime.After(t) {
			if later == nil || sig.CreationTime.Before(later.CreationTime) {
				later = sig
			}
			continue
		}
		if best == nil || isPrimaryID(sig) && !isPrimaryID(best) ||
			isPrimaryID(sig) == isPrimaryID(best) && sig.CreationTime.After(best.CreationTime) {
			best = sig
		}
	}
	if best == nil {
		return later
	}
	return best
}

// selfSignatures returns every self-signature on e's primary key: its
// direct-key signatures (v6) or its user IDs' (v4).
func selfSignatures(e *openpgp.Entity) []*packet.Signature {
	var sigs []*packet.Signature
	if e.PrimaryKey.Version == 6 {
		for _, sig := range e.Signatures {
			if sig.SigType == packet.SigTypeDirectSignature && sig.CheckKeyIdOrFingerprint(e.PrimaryKey) &&
				e.PrimaryKey.VerifyDirectKeySignature(sig) == nil {
				sigs = append(sigs, sig)
			}
		}
		return sigs
	}
	// ReadEntity has verified every signature on a user ID that claims to
	// be a self-signature, and refuses the key if one does not verify.
	for _, id := range e.Identities {
		if id.SelfSignature != nil {
			sigs = append(sigs, id.SelfSignature)
		}
		for _, sig := range id.Signatures {
			switch sig.SigType {
			case packet.SigTypeGenericCert, packet.SigTypePersonaCert, packet.SigTypeCasualCert, packet.SigTypePositiveCert:
				if sig.CheckKeyIdOrFingerprint(e.PrimaryKey) {
					sigs = append(sigs, sig)
				}
			}
		}
	}
	return sigs
}

func isPrimaryID(sig *packet.Signature) bool {
	return sig.IsPrimaryId != nil && *sig.IsPrimaryId
}
