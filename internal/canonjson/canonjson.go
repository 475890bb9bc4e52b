package canonjson

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Encode writes v as canonical JSON: fields in declaration order, two-space
// indentation, no HTML escaping, a final newline. The same value always
// encodes to the same bytes.
func Encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Decode reads a document written by Encode into v; name says what the
// document is in the error. Fields v does not have are ignored, so a
// document written by a newer zonectl of the same schema stays readable.
func Decode(name string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// DecodeExact reads a document that must be exactly as Encode writes v:
// what a peer signs is read only in the one form it can have, so that no
// duplicate key, key in another case, unknown field or other spelling of
// the same value can mean one thing to zonectl and another to a reader.
func DecodeExact(name string, data []byte, v any) error {
	if err := Decode(name, data, v); err != nil {
		return err
	}
	again, err := Encode(v)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if !bytes.Equal(again, data) {
		return fmt.Errorf("read %s: not in the canonical form zonectl writes (a duplicate, unknown or differently cased key, or another spelling of a value)", name)
	}
	return nil
}
