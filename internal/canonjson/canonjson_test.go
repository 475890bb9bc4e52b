package canonjson_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/canonjson"
)

func TestEncode(t *testing.T) {
	type inner struct {
		B int `json:"b"`
		A int `json:"a"`
	}
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"declaration order", inner{B: 2, A: 1}, "{\n  \"b\": 2,\n  \"a\": 1\n}\n"},
		{"map keys sorted", map[string]int{"b": 2, "a": 1}, "{\n  \"a\": 1,\n  \"b\": 2\n}\n"},
		{"nested", struct {
			X []inner `json:"x"`
		}{[]inner{{1, 2}}}, "{\n  \"x\": [\n    {\n      \"b\": 1,\n      \"a\": 2\n    }\n  ]\n}\n"},
		{"no HTML escaping", "<a & b>", "\"<a & b>\"\n"},
		{"empty object", struct{}{}, "{}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := canonjson.Encode(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("Encode = %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := canonjson.Encode(func() {}); err == nil {
		t.Error("Encode(func) succeeded")
	}
}

func TestDecode(t *testing.T) {
	var v struct {
		A int `json:"a"`
	}
	if err := canonjson.Decode("event.json", []byte(`{"a": 1, "added_later": true}`), &v); err != nil || v.A != 1 {
		t.Fatalf("Decode = %v, %+v; unknown fields must be ignored", err, v)
	}
	err := canonjson.Decode("event.json of ledger commit 1a2b", []byte(`{"a": "one"}`), &v)
	var typeErr *json.UnmarshalTypeError
	if err == nil || !strings.HasPrefix(err.Error(), "read event.json of ledger commit 1a2b: ") || !errors.As(err, &typeErr) {
		t.Errorf("Decode = %v, want an error naming the document and wrapping the JSON error", err)
	}
}
