package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/zonectl/zonectl/internal/canonjson"
	"github.com/zonectl/zonectl/internal/keys"
)

// NotationName is the OpenPGP signature notation that can carry a
// document's type in the signature itself, so that a tool reading only the
// signature also sees what kind of document was signed. gpg shows it with
// --verify-options show-notations. Open checks it when it is present; see
// Seal for why zonectl does not add it yet.
const NotationName = "document-type@zonectl"

// Encode returns doc as a document of type docType in schema version
// schema: the canonical JSON of doc (canonjson.Encode: fields in declaration
// order, two-space indentation, a final newline) with "type" and "schema"
// written as its first two fields. The same doc always encodes to the same
// bytes.
//
// doc must encode to a JSON object that has no field of its own named
// "type" or "schema" (ignoring case): those belong to the envelope.
func Encode(doc any, docType string, schema Schema) ([]byte, error) {
	if err := checkType(docType); err != nil {
		return nil, fmt.Errorf("encode document: %w", err)
	}
	if err := schema.Validate(); err != nil {
		return nil, fmt.Errorf("encode %s: %w", docType, err)
	}
	body, err := canonjson.Encode(doc)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", docType, err)
	}
	var fields map[string]json.RawMessage
	if !bytes.HasPrefix(body, []byte("{")) || json.Unmarshal(body, &fields) != nil {
		return nil, fmt.Errorf("encode %s: a document must be a JSON object, not %T", docType, doc)
	}
	for name := range fields {
		if k := foldKey(name); k == foldKey("type") || k == foldKey("schema") {
			return nil, fmt.Errorf("encode %s: the document has its own %q field; the envelope writes \"type\" and \"schema\"", docType, name)
		}
	}
	head, err := canonjson.Encode(struct {
		Type   string `json:"type"`
		Schema string `json:"schema"`
	}{docType, schema.String()})
	if err != nil {
		return nil, err
	}
	// head is "{\n  \"type\": ...,\n  \"schema\": ...\n}\n"; body is "{}\n"
	// or "{\n  ...\n}\n", its fields indented as deeply as head's.
	data := bytes.TrimSuffix(head, []byte("\n}\n"))
	if len(fields) == 0 {
		data = append(data, "\n}\n"...)
	} else {
		data = append(append(data, ",\n"...), body[len("{\n"):]...)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("encode %s: the document is %d bytes; at most %d are allowed", docType, len(data), MaxSize)
	}
	// What Encode writes, Open must read.
	if _, err := ReadHeader(data); err != nil {
		return nil, fmt.Errorf("encode %s: %w", docType, err)
	}
	return data, nil
}

// Seal encodes doc as a document of type docType (see Encode) and signs it
// with signer. It returns the document's bytes, to be stored as a file just
// as they are, and an ASCII-armored detached signature over them.
//
// The signature carries the document type twice: inside the signed bytes
// (the document's first field) and as the NotationName notation in the
// signature itself, so even a verifier that ignores the document's fields
// cannot take it as a signature over another type.
func Seal(doc any, docType string, schema Schema, signer *keys.Signer) (data, sig []byte, err error) {
	if signer == nil {
		return nil, nil, errors.New("seal document: no signer")
	}
	data, err = Encode(doc, docType, schema)
	if err != nil {
		return nil, nil, err
	}
	sig, err = signer.SignNotated(data, map[string]string{NotationName: docType})
	if err != nil {
		return nil, nil, fmt.Errorf("seal %s: %w", docType, err)
	}
	return data, sig, nil
}
