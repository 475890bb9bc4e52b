package envelope

import (
	"bytes"
	"crypto"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

func TestSealOpen(t *testing.T) {
	src := newSpace(t, "devtest")
	doc := sampleDoc()
	data, sig, err := Seal(doc, TypeReleaseManifest, Schema{Major: 1, Minor: 2}, src.signer)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "type": "zonectl.release-bundle.manifest",
  "schema": "1.2",
  "project": "acme-web",
  "version": "1.4.0",
  "tags": [
    "a",
    "b"
  ],
  "nested": {
    "n": 7
  }
}
`
	if string(data) != want {
		t.Errorf("Seal wrote\n%s\nwant\n%s", data, want)
	}
	if !bytes.HasPrefix(sig, []byte("-----BEGIN PGP SIGNATURE-----")) {
		t.Errorf("signature is not armored:\n%s", sig)
	}

	var got testDoc
	s, err := Open("manifest.json", data, sig, TypeReleaseManifest, v1, src.verifier, &got)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, doc) {
		t.Errorf("Open decoded %+v; want %+v", got, doc)
	}
	if s.Fingerprint != src.signer.Fingerprint() {
		t.Errorf("signed by %s; want %s", s.Fingerprint, src.signer.Fingerprint())
	}

	h, err := ReadHeader(data)
	if err != nil {
		t.Fatal(err)
	}
	if h != (Header{Type: TypeReleaseManifest, Schema: Schema{1, 2}}) {
		t.Errorf("ReadHeader = %+v", h)
	}

	// Encoding is canonical.
	again, err := Encode(doc, TypeReleaseManifest, Schema{Major: 1, Minor: 2})
	if err != nil || !bytes.Equal(again, data) {
		t.Errorf("Encode is not deterministic: %v\n%s", err, again)
	}
}

func TestEncodeShapes(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  any
		want string
	}{
		{"empty struct", struct{}{}, "{\n  \"type\": \"zonectl.bundle.index\",\n  \"schema\": \"3.1\"\n}\n"},
		{"empty map", map[string]int{}, "{\n  \"type\": \"zonectl.bundle.index\",\n  \"schema\": \"3.1\"\n}\n"},
		{"map", map[string]int{"b": 2, "a": 1}, "{\n  \"type\": \"zonectl.bundle.index\",\n  \"schema\": \"3.1\",\n  \"a\": 1,\n  \"b\": 2\n}\n"},
		{"html", map[string]string{"x": "<&>"}, "{\n  \"type\": \"zonectl.bundle.index\",\n  \"schema\": \"3.1\",\n  \"x\": \"<&>\"\n}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Encode(tc.doc, TypeIndex, Schema{3, 1})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("Encode =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestSealRefuses(t *testing.T) {
	src := newSpace(t, "devtest")
	type withType struct {
		Type string `json:"type"`
	}
	type withSchema struct {
		Schema string `json:"SCHEMA"`
	}
	for _, tc := range []struct {
		name    string
		doc     any
		docType string
		schema  Schema
		want    string
	}{
		{"missing type", sampleDoc(), "", v1, "document has no type"},
		{"bad type", sampleDoc(), "Release", v1, `invalid document type "Release"`},
		{"foreign type", sampleDoc(), "in-toto.statement", v1, "invalid document type"},
		{"negative schema", sampleDoc(), TypeIndex, Schema{-1, 0}, "invalid schema version"},
		{"own type field", withType{"x"}, TypeIndex, v1, `own "type" field`},
		{"own schema field", withSchema{"x"}, TypeIndex, v1, `own "SCHEMA" field`},
		{"array", []int{1}, TypeIndex, v1, "must be a JSON object"},
		{"string", "x", TypeIndex, v1, "must be a JSON object"},
		{"null", nil, TypeIndex, v1, "must be a JSON object"},
		{"nil pointer", (*testDoc)(nil), TypeIndex, v1, "must be a JSON object"},
		{"unencodable", map[string]any{"f": func() {}}, TypeIndex, v1, "unsupported type"},
		{"too big", map[string]string{"x": strings.Repeat("a", MaxSize)}, TypeIndex, v1, "at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Seal(tc.doc, tc.docType, tc.schema, src.signer)
			wantErr(t, err, tc.want)
		})
	}
	_, _, err := Seal(sampleDoc(), TypeIndex, v1, nil)
	wantErr(t, err, "no signer")
}

// A signature for one kind of document is never accepted as another, in
// either direction.
func TestOpenWrongType(t *testing.T) {
	src := newSpace(t, "devtest")
	for _, tc := range []struct{ made, presented string }{
		{TypeReceiptManifest, TypeReleaseManifest},
		{TypeReleaseManifest, TypeReceiptManifest},
		{TypeIndex, TypeReleaseManifest},
	} {
		data, sig, err := Seal(sampleDoc(), tc.made, v1, src.signer)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Open("manifest.json", data, sig, tc.presented, v1, src.verifier, nil)
		wantRefused(t, err, "verify manifest.json", "document type is "+`"`+tc.made+`"`, `not "`+tc.presented+`"`)

		// Rewriting the type to the expected one breaks the signature.
		forged := bytes.Replace(data, []byte(tc.made), []byte(tc.presented), 1)
		_, err = Open("manifest.json", forged, sig, tc.presented, v1, src.verifier, nil)
		wantRefused(t, err, "bad signature")
	}
}

func TestOpenAltered(t *testing.T) {
	src := newSpace(t, "devtest")
	data, sig, err := Seal(sampleDoc(), TypeReleaseManifest, v1, src.signer)
	if err != nil {
		t.Fatal(err)
	}
	// Change one digit of a value, so the document still parses.
	altered := bytes.Replace(data, []byte(`"n": 7`), []byte(`"n": 8`), 1)
	_, err = Open("manifest.json", altered, sig, TypeReleaseManifest, v1, src.verifier, nil)
	wantRefused(t, err, "bad signature")

	// Every single-byte change is refused, by the parser or the signature.
	for i := range data {
		b := bytes.Clone(data)
		b[i] ^= 0x01
		if _, err := Open("m", b, sig, TypeReleaseManifest, v1, src.verifier, nil); err == nil {
			t.Fatalf("byte %d altered and accepted", i)
		}
	}
	// Appended whitespace is still an altered byte.
	_, err = Open("m", append(bytes.Clone(data), '\n'), sig, TypeReleaseManifest, v1, src.verifier, nil)
	wantRefused(t, err, "bad signature")

	other := newSpace(t, "intruder")
	_, err = Open("m", data, sig, TypeReleaseManifest, v1, other.verifier, nil)
	wantRefused(t, err, "unknown key")
	_, err = Open("m", data, nil, TypeReleaseManifest, v1, src.verifier, nil)
	wantRefused(t, err, "not signed")
}

func TestOpenSchema(t *testing.T) {
	src := newSpace(t, "devtest")

	newer, sig, err := Seal(map[string]string{"project": "acme-web"}, TypeReleaseManifest, Schema{2, 0}, src.signer)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open("manifest.json", newer, sig, TypeReleaseManifest, Schema{1, 3}, src.verifier, nil)
	var se *SchemaError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *SchemaError", err, err)
	}
	want := "manifest.json: this release bundle needs zonectl schema 2.x; this zonectl reads 1.x"
	if err.Error() != want {
		t.Errorf("error %q; want %q", err, want)
	}

	older, sig, err := Seal(map[string]string{"project": "acme-web"}, TypeReceiptManifest, Schema{1, 9}, src.signer)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open("receipts.json", older, sig, TypeReceiptManifest, Schema{2, 0}, src.verifier, nil)
	wantErr(t, err, "receipt bundle is written in schema 1.9, which this zonectl no longer reads; it reads 2.x")

	// A newer minor version, with fields this reader does not know.
	type future struct {
		testDoc
		Extra []string `json:"extra_things"`
	}
	f := future{testDoc: sampleDoc(), Extra: []string{"x"}}
	data, sig, err := Seal(f, TypeReleaseManifest, Schema{1, 7}, src.signer)
	if err != nil {
		t.Fatal(err)
	}
	var got testDoc
	if _, err := Open("manifest.json", data, sig, TypeReleaseManifest, Schema{1, 0}, src.verifier, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sampleDoc()) {
		t.Errorf("decoded %+v; want %+v", got, sampleDoc())
	}
}

// Documents that zonectl never writes are refused even when a trusted key
// signed them.
func TestOpenMalformed(t *testing.T) {
	src := newSpace(t, "devtest")
	rel := `"type": "zonectl.release-bundle.manifest"`
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"missing type", `{"schema": "1.0", "project": "x"}`, `first field is "schema", not "type"`},
		{"no fields", `{}`, `no "type" field`},
		{"type second", `{"schema": "1.0", ` + rel + `}`, `first field is "schema"`},
		{"missing schema", `{` + rel + `, "project": "x"}`, `second field is "project", not "schema"`},
		{"schema number", `{` + rel + `, "schema": 1}`, `"schema" field is not a string`},
		{"bad schema", `{` + rel + `, "schema": "1"}`, `invalid schema version "1"`},
		{"schema leading zero", `{` + rel + `, "schema": "01.0"}`, `invalid schema version`},
		{"type not string", `{"type": 7, "schema": "1.0"}`, `"type" field is not a string`},
		{"duplicate type", `{` + rel + `, "schema": "1.0", "type": "zonectl.bundle.index"}`, `"type" appears twice`},
		{"duplicate field", `{` + rel + `, "schema": "1.0", "a": 1, "a": 2}`, `"a" appears twice`},
		{"case duplicate", `{` + rel + `, "schema": "1.0", "project": "a", "Project": "b"}`, `"Project" appears twice`},
		{"kelvin duplicate", `{` + rel + `, "schema": "1.0", "k": 1, "\u212a": 2}`, `appears twice`},
		{"nested duplicate", `{` + rel + `, "schema": "1.0", "x": [{"a": 1, "A": 2}]}`, `"A" appears twice`},
		{"array", `[` + rel + `]`, "not JSON"},
		{"not object", `"zonectl"`, "not a JSON object"},
		{"trailing", `{` + rel + `, "schema": "1.0"} {}`, "not JSON"},
		{"not utf-8", `{` + rel + `, "schema": "1.0", "x": "` + "\xff" + `"}`, "not valid UTF-8"},
		{"deep", `{` + rel + `, "schema": "1.0", "x": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, "deeper than"},
		{"empty", ``, "not JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.doc)
			_, err := Open("manifest.json", data, src.sign(t, data), TypeReleaseManifest, v1, src.verifier, nil)
			wantRefused(t, err, "malformed document", tc.want)
		})
	}

	big := make([]byte, MaxSize+1)
	_, err := Open("manifest.json", big, nil, TypeReleaseManifest, v1, src.verifier, nil)
	wantRefused(t, err, "at most")
	_, err = Open("manifest.json", []byte("{}"), make([]byte, MaxSignatureSize+1), TypeReleaseManifest, v1, src.verifier, nil)
	wantRefused(t, err, "signature is")

	// Depth up to the limit is fine.
	ok := `{` + rel + `, "schema": "1.0", "x": ` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `}`
	if _, err := ReadHeader([]byte(ok)); err != nil {
		t.Errorf("nesting of %d levels refused: %v", maxDepth, err)
	}
}

func TestOpenCallerErrors(t *testing.T) {
	src := newSpace(t, "devtest")
	data, sig, err := Seal(sampleDoc(), TypeReleaseManifest, v1, src.signer)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open("m", data, sig, "", v1, src.verifier, nil)
	wantErr(t, err, "document has no type")
	_, err = Open("m", data, sig, TypeReleaseManifest, v1, nil, nil)
	wantErr(t, err, "no verifier")
	var wrong struct {
		Project int `json:"project"`
	}
	_, err = Open("m", data, sig, TypeReleaseManifest, v1, src.verifier, &wrong)
	wantErr(t, err, "read m")
	// An unnamed document is named by its type.
	_, err = Open("", data, nil, TypeReleaseManifest, v1, src.verifier, nil)
	wantRefused(t, err, "verify release bundle: not signed")
}

func TestOpenNotation(t *testing.T) {
	src := newSpace(t, "devtest")
	data, err := Encode(sampleDoc(), TypeReleaseManifest, v1)
	if err != nil {
		t.Fatal(err)
	}
	sig := src.signNotated(t, data, TypeReleaseManifest)
	if _, err := Open("manifest.json", data, sig, TypeReleaseManifest, v1, src.verifier, nil); err != nil {
		t.Errorf("a signature whose notation names the document's type was refused: %v", err)
	}
	sig = src.signNotated(t, data, TypeReceiptManifest)
	_, err = Open("manifest.json", data, sig, TypeReleaseManifest, v1, src.verifier, nil)
	wantRefused(t, err, `made for a "zonectl.receipt-bundle.manifest" document (notation document-type@zonectl)`)
}

func TestSchema(t *testing.T) {
	for _, s := range []string{"0.0", "1.0", "12.345", "999999.999999"} {
		v, err := ParseSchema(s)
		if err != nil {
			t.Errorf("ParseSchema(%q): %v", s, err)
			continue
		}
		if v.String() != s {
			t.Errorf("ParseSchema(%q).String() = %q", s, v)
		}
	}
	for _, s := range []string{"", "1", "1.", ".1", "1.0.0", "01.0", "1.00", "-1.0", "+1.0", "1000000.0", " 1.0", "1.0\n", "v1.0", "１.0"} {
		if _, err := ParseSchema(s); err == nil {
			t.Errorf("ParseSchema(%q) accepted", s)
		}
	}
	var s Schema
	if err := s.UnmarshalText([]byte("2.5")); err != nil || s != (Schema{2, 5}) {
		t.Errorf("UnmarshalText = %v, %v", s, err)
	}
	if err := s.UnmarshalText([]byte("x")); err == nil {
		t.Error("UnmarshalText accepted x")
	}
	if _, err := (Schema{Major: 1 << 30}).MarshalText(); err == nil {
		t.Error("MarshalText accepted a huge major version")
	}
}

// A signature without the document-type notation, or made in text mode
// (which verifies over rewritten line endings), is refused.
func TestOpenRefusesUnnamedAndTextSignatures(t *testing.T) {
	src := newSpace(t, "devtest")
	data, _, err := Seal(sampleDoc(), TypeReleaseManifest, v1, src.signer)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open("manifest.json", data, src.sign(t, data), TypeReleaseManifest, v1, src.verifier, nil)
	wantRefused(t, err, "names no document type")

	var buf bytes.Buffer
	cfg := &packet.Config{DefaultHash: crypto.SHA256, SignatureNotations: []*packet.Notation{{Name: NotationName, Value: []byte(TypeReleaseManifest), IsHumanReadable: true}}}
	if err := openpgp.ArmoredDetachSignText(&buf, src.entity, bytes.NewReader(data), cfg); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	_, err = Open("manifest.json", data, buf.Bytes(), TypeReleaseManifest, v1, src.verifier, nil)
	wantRefused(t, err, "text-mode")
}

// The armor must be as zonectl writes it, and the 16-bit hash prefix must
// match, as gpg --verify requires: altered in any byte means any byte.
func TestOpenIsAsStrictAsGPG(t *testing.T) {
	src := newSpace(t, "devtest")
	data, sig, err := Seal(sampleDoc(), TypeReleaseManifest, v1, src.signer)
	if err != nil {
		t.Fatal(err)
	}
	open := func(sig []byte) error {
		_, err := Open("manifest.json", data, sig, TypeReleaseManifest, v1, src.verifier, nil)
		return err
	}
	if err := open(sig); err != nil {
		t.Fatalf("the signature as sealed: %v", err)
	}
	headed := bytes.Replace(sig, []byte("-----\n"), []byte("-----\nComment: trust me\n"), 1)
	wantRefused(t, open(headed), "headers")

	block, err := armor.Decode(bytes.NewReader(sig))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(block.Body)
	if err != nil {
		t.Fatal(err)
	}
	rearmor := func(body []byte, checksum string) []byte {
		var buf bytes.Buffer
		w, err := armor.Encode(&buf, "PGP SIGNATURE", nil)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
		w.Close()
		out := buf.String()
		if checksum != "" {
			// Drop any checksum line armor wrote, and put the one given.
			var lines []string
			for _, l := range strings.Split(out, "\n") {
				if len(l) == 5 && l[0] == '=' {
					continue
				}
				if strings.HasPrefix(l, "-----END") {
					lines = append(lines, checksum)
				}
				lines = append(lines, l)
			}
			out = strings.Join(lines, "\n")
		}
		return []byte(out + "\n")
	}
	wantRefused(t, open(rearmor(body, "=AAAA")), "checksum does not match")

	// The hash prefix sits after the hashed and unhashed subpackets of
	// the one v4 signature packet (new format, a one- or two-byte length).
	p := append([]byte{}, body...)
	hdr := 2
	switch {
	case p[0] != 0xC2 || p[1] >= 224:
		t.Fatalf("unexpected packet header % x", p[:3])
	case p[1] >= 192:
		hdr = 3
	}
	q := p[hdr:]
	off := 6 + (int(q[4])<<8 | int(q[5]))
	off = off + 2 + (int(q[off])<<8 | int(q[off+1]))
	q[off] ^= 0xFF
	wantRefused(t, open(rearmor(p, "")), "hash prefix does not match")
}
