package envelope

import (
	"bytes"
	"testing"
)

// FuzzOpen opens arbitrary documents and signatures: it must never panic,
// and whatever it accepts must be a well-formed document of the expected
// type, whose header ReadHeader reads the same way.
func FuzzOpen(f *testing.F) {
	src := newSpace(f, "devtest")
	data, sig, err := Seal(sampleDoc(), TypeReleaseManifest, v1, src.signer)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, sig)
	f.Add(data, []byte{})
	f.Add([]byte(`{"type": "zonectl.release-bundle.manifest", "schema": "2.0"}`), sig)
	f.Add([]byte(`{"type": "zonectl.release-bundle.manifest", "schema": "1.0", "a": {"A": 1, "a": 2}}`), sig)
	f.Add(bytes.Replace(data, []byte("7"), []byte("8"), 1), sig)
	f.Add([]byte(`[[[[[[[[`), []byte("-----BEGIN PGP SIGNATURE-----\n\n=AAAA\n-----END PGP SIGNATURE-----\n"))
	f.Fuzz(func(t *testing.T, data, sig []byte) {
		h, herr := ReadHeader(data)
		var doc testDoc
		s, err := Open("manifest.json", data, sig, TypeReleaseManifest, v1, src.verifier, &doc)
		if err != nil {
			return
		}
		if herr != nil || h.Type != TypeReleaseManifest || h.Schema.Major != 1 {
			t.Fatalf("Open accepted a document whose header reads %+v, %v", h, herr)
		}
		if s == nil || s.Fingerprint != src.signer.Fingerprint() {
			t.Fatalf("Open accepted a signature by %v", s)
		}
	})
}

// FuzzEncode checks that every document Encode writes reads back with the
// same header and the same fields.
func FuzzEncode(f *testing.F) {
	f.Add("acme-web", "1.4.0", "a", 3)
	f.Add("", "\u212a", "\x00\xff<>&", -1)
	f.Fuzz(func(t *testing.T, project, version, tag string, n int) {
		doc := testDoc{Project: project, Version: version, Tags: []string{tag}}
		doc.Nested.N = n
		data, err := Encode(doc, TypeIndex, Schema{1, 4})
		if err != nil {
			t.Fatal(err)
		}
		h, err := ReadHeader(data)
		if err != nil || h != (Header{TypeIndex, Schema{1, 4}}) {
			t.Fatalf("ReadHeader(Encode(...)) = %+v, %v", h, err)
		}
	})
}
