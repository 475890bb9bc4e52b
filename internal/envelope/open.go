package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/refusal"
)

// Open checks that data is a document of type docType in a schema version
// that a reader of version supported reads, signed by sig with a key that v
// trusts, and then decodes it into into (when into is not nil), ignoring
// fields that into does not have. name says what data is (a file name such
// as "manifest.json") and appears in every error. The steps, in order:
//
//  1. data must be at most MaxSize bytes and sig at most MaxSignatureSize.
//  2. data must be a well-formed document (see ReadHeader).
//  3. Its type must be docType: a signature made for one kind of document
//     is never accepted as another.
//  4. Its schema's major version must be supported.Major; any minor version
//     is accepted. Otherwise the error is a *SchemaError that names the
//     version needed. This comes before the signature, which a document of
//     another major version may make in a way this version does not know.
//  5. sig must verify over data with v (keys.Verifier.VerifyNamed): the
//     signer's key in v's keyring and valid when it signed, no byte altered.
//  6. The signature is binary (not text-mode) and carries the NotationName
//     notation, naming docType.
//  7. data is decoded into into.
//
// A refusal in steps 1 to 6, other than a schema version, is a
// *refusal.Error. The returned Signature says who signed and when.
func Open(name string, data, sig []byte, docType string, supported Schema, v *keys.Verifier, into any) (*keys.Signature, error) {
	if err := checkType(docType); err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	if v == nil {
		return nil, fmt.Errorf("open %s: no verifier", name)
	}
	what := name
	if what == "" {
		what = describe(docType)
	}
	refuse := func(reason string, err error) (*keys.Signature, error) {
		return nil, refusal.Wrap(what, reason, err)
	}

	// 1.
	if len(data) > MaxSize {
		return refuse(fmt.Sprintf("document is %d bytes; at most %d are allowed", len(data), MaxSize), nil)
	}
	if len(sig) > MaxSignatureSize {
		return refuse(fmt.Sprintf("signature is %d bytes; at most %d are allowed", len(sig), MaxSignatureSize), nil)
	}

	// 2.
	h, err := ReadHeader(data)
	if err != nil {
		return refuse("malformed document", err)
	}

	// 3.
	if h.Type != docType {
		return refuse(fmt.Sprintf("document type is %q, not %q", h.Type, docType), nil)
	}

	// 4.
	if h.Schema.Major != supported.Major {
		return nil, &SchemaError{What: what, Type: docType, Found: h.Schema, Supported: supported}
	}

	// 5.
	signature, err := v.VerifyNamed(what, data, sig)
	if err != nil {
		return nil, err
	}

	// 6.
	if reason := checkNotations(sig, docType); reason != "" {
		return refuse(reason, nil)
	}

	// 7.
	if into != nil {
		if err := json.Unmarshal(data, into); err != nil {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
	}
	return signature, nil
}

// checkNotations returns why the NotationName notations in armoredSig, a
// signature that has verified, do not name docType, or "".
func checkNotations(armoredSig []byte, docType string) string {
	sig, err := readSignaturePacket(armoredSig)
	if err != nil {
		return fmt.Sprintf("malformed signature: %v", err)
	}
	if sig.SigType != packet.SigTypeBinary {
		// A text-mode signature verifies over line endings rewritten:
		// "altered in any byte" must be literally true.
		return "the signature is a text-mode signature; a document is signed as binary, byte for byte"
	}
	named := false
	for _, n := range sig.Notations {
		if n.Name != NotationName {
			continue
		}
		named = true
		if got := string(n.Value); got != docType {
			return fmt.Sprintf("the signature was made for a %q document (notation %s), not a %q document", got, NotationName, docType)
		}
	}
	if !named {
		return fmt.Sprintf("the signature names no document type (notation %s): every zonectl signature of a document does", NotationName)
	}
	return ""
}

// readSignaturePacket returns the first signature packet in an armored
// signature.
func readSignaturePacket(armored []byte) (*packet.Signature, error) {
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil {
		return nil, err
	}
	p, err := packet.NewReader(block.Body).Next()
	if err != nil {
		return nil, err
	}
	sig, ok := p.(*packet.Signature)
	if !ok {
		return nil, errors.New("no signature packet")
	}
	return sig, nil
}

// A SchemaError reports a document written in a major schema version that
// this zonectl does not read.
type SchemaError struct {
	What      string // the document, e.g. "manifest.json"
	Type      string // its type
	Found     Schema // the version the document is written in
	Supported Schema // the version this zonectl reads
}

func (e *SchemaError) Error() string {
	if e.Found.Major > e.Supported.Major {
		return fmt.Sprintf("%s: this %s needs zonectl schema %d.x; this zonectl reads %d.x",
			e.What, describe(e.Type), e.Found.Major, e.Supported.Major)
	}
	return fmt.Sprintf("%s: this %s is written in schema %s, which this zonectl no longer reads; it reads %d.x",
		e.What, describe(e.Type), e.Found, e.Supported.Major)
}
