package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Header is what every document says about itself: its type and the
// schema version it was written in.
type Header struct {
	Type   string
	Schema Schema
}

// maxDepth bounds how deeply a document's objects and arrays nest.
const maxDepth = 64

// ReadHeader reads the header of a document without checking its signature,
// for showing what an unverified file claims to be. It checks that data is
// a well-formed document:
//
//   - at most MaxSize bytes of UTF-8 holding a single JSON object;
//   - whose first field is "type", a document type, and second "schema", a
//     schema version MAJOR.MINOR;
//   - with no object anywhere in it that holds two fields whose names are
//     equal ignoring case, and no nesting deeper than 64 levels.
//
// The last rule leaves no room for parsers to disagree: Go's encoding/json
// takes the last of two equal fields and matches names ignoring case, other
// parsers take the first or match exactly, so a document that two readers
// could read differently is refused.
func ReadHeader(data []byte) (Header, error) {
	if len(data) > MaxSize {
		return Header{}, fmt.Errorf("document is %d bytes; at most %d are allowed", len(data), MaxSize)
	}
	if !utf8.Valid(data) {
		return Header{}, errors.New("document is not valid UTF-8")
	}
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Header{}, fmt.Errorf("document is not JSON: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return Header{}, errors.New("document is not a JSON object")
	}
	h, err := readHeaderFields(dec)
	if err != nil {
		return Header{}, err
	}
	seen := map[string]bool{foldKey("type"): true, foldKey("schema"): true}
	if err := walkObject(dec, 1, seen); err != nil {
		return Header{}, err
	}
	return h, nil
}

// readHeaderFields reads the first two fields of a document's object.
func readHeaderFields(dec *json.Decoder) (Header, error) {
	var h Header
	typ, err := stringField(dec, "type")
	if err != nil {
		return h, err
	}
	if err := checkType(typ); err != nil {
		return h, err
	}
	schema, err := stringField(dec, "schema")
	if err != nil {
		return h, err
	}
	s, err := ParseSchema(schema)
	if err != nil {
		return h, err
	}
	return Header{Type: typ, Schema: s}, nil
}

// stringField reads the next field of an object, which must be called name
// and hold a string.
func stringField(dec *json.Decoder, name string) (string, error) {
	position := map[string]string{"type": "first", "schema": "second"}[name]
	if !dec.More() {
		return "", fmt.Errorf("document has no %q field; a zonectl document starts with \"type\" and \"schema\"", name)
	}
	key, err := dec.Token()
	if err != nil {
		return "", err
	}
	if key != name {
		return "", fmt.Errorf("the document's %s field is %q, not %q; a zonectl document starts with \"type\" and \"schema\"", position, key, name)
	}
	val, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := val.(string)
	if !ok {
		return "", fmt.Errorf("the document's %q field is not a string", name)
	}
	return s, nil
}

// walkObject reads the rest of an object whose opening brace dec has read,
// refusing a field name that seen already holds (ignoring case) and nesting
// deeper than maxDepth.
func walkObject(dec *json.Decoder, depth int, seen map[string]bool) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("malformed object key %v", tok)
		}
		k := foldKey(key)
		if seen[k] {
			return fmt.Errorf("field %q appears twice in one object (names are compared ignoring case)", key)
		}
		seen[k] = true
		if err := walkValue(dec, depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

// walkValue reads one value.
func walkValue(dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'), json.Delim('['):
		if depth >= maxDepth {
			return fmt.Errorf("document nests deeper than %d levels", maxDepth)
		}
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, depth+1, map[string]bool{})
	case json.Delim('['):
		for dec.More() {
			if err := walkValue(dec, depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ']'
		return err
	}
	return nil
}

// foldKey maps every name that encoding/json matches ignoring case to one
// string: each rune becomes the smallest rune in its simple case-folding
// orbit (so "K", "k" and the Kelvin sign are one).
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}
