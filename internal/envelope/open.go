package envelope

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

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
	if reason := checkStrict(data, sig, docType); reason != "" {
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

// checkStrict returns why armoredSig, a signature over data that has
// verified, is still not one zonectl takes, or "": the armor must be as
// zonectl writes it (no headers, a right checksum when there is one), the
// signature's 16-bit hash prefix must match, as gpg requires, and its
// notations must name docType.
func checkStrict(data, armoredSig []byte, docType string) string {
	if reason := checkArmor(armoredSig); reason != "" {
		return reason
	}
	sig, err := readSignaturePacket(armoredSig)
	if err != nil {
		return fmt.Sprintf("malformed signature: %v", err)
	}
	if sig.SigType != packet.SigTypeBinary {
		// A text-mode signature verifies over line endings rewritten:
		// "altered in any byte" must be literally true.
		return "the signature is a text-mode signature; a document is signed as binary, byte for byte"
	}
	if sig.Version == 4 {
		h := sig.Hash.New()
		h.Write(data)
		h.Write(sig.HashSuffix)
		if sum := h.Sum(nil); sum[0] != sig.HashTag[0] || sum[1] != sig.HashTag[1] {
			return "the signature's hash prefix does not match the document"
		}
	}
	return checkNotations(sig, docType)
}

// checkArmor refuses armor headers (zonectl writes none), a checksum
// line that does not match the armored bytes, and any other spelling of
// the armor than the one zonectl writes (line lengths, blank lines,
// dashes), with or without its optional checksum line: the armor decoder
// forgives much that a changed byte can make.
func checkArmor(armored []byte) string {
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil {
		return fmt.Sprintf("malformed signature armor: %v", err)
	}
	if len(block.Header) > 0 {
		return "the signature's armor has headers, which zonectl never writes"
	}
	body, err := io.ReadAll(block.Body)
	if err != nil {
		return fmt.Sprintf("malformed signature armor: %v", err)
	}
	for _, line := range strings.Split(string(armored), "\n") {
		line = strings.TrimSpace(line)
		if len(line) != 5 || line[0] != '=' {
			continue
		}
		want, err := base64.StdEncoding.DecodeString(line[1:])
		if err != nil || len(want) != 3 {
			return "the signature's armor checksum is malformed"
		}
		c := crc24(body)
		if want[0] != byte(c>>16) || want[1] != byte(c>>8) || want[2] != byte(c) {
			return "the signature's armor checksum does not match"
		}
	}
	for _, checksum := range []bool{true, false} {
		var buf bytes.Buffer
		w, err := armor.EncodeWithChecksumOption(&buf, block.Type, nil, checksum)
		if err != nil {
			return fmt.Sprintf("malformed signature armor: %v", err)
		}
		w.Write(body)
		w.Close()
		buf.WriteByte('\n')
		if bytes.Equal(buf.Bytes(), armored) {
			return ""
		}
	}
	return "the signature's armor is not spelled as zonectl writes it (64-column lines, no blank or extra lines)"
}

// crc24 is OpenPGP's armor checksum (RFC 9580, 6.1).
func crc24(b []byte) uint32 {
	crc := uint32(0xB704CE)
	for _, c := range b {
		crc ^= uint32(c) << 16
		for range 8 {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= 0x1864CFB
			}
		}
	}
	return crc & 0xFFFFFF
}

// checkNotations returns why sig, a signature that has verified, has no
// NotationName notation naming docType, or "".
func checkNotations(sig *packet.Signature, docType string) string {
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
