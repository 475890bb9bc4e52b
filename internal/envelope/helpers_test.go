package envelope

import (
	"bytes"
	"crypto"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/refusal"
)

// space is a test Space's key pair, with a signer and a verifier that
// trusts only it.
type space struct {
	entity   *openpgp.Entity
	signer   *keys.Signer
	verifier *keys.Verifier
	public   []byte // armored public key
}

func newSpace(t testing.TB, name string) *space {
	t.Helper()
	e, err := keys.Generate(keys.GenerateOptions{Name: name, Time: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := keys.NewSigner(e)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.ArmorPublic(e)
	if err != nil {
		t.Fatal(err)
	}
	el, err := keys.ReadPublic(name+".asc", pub)
	if err != nil {
		t.Fatal(err)
	}
	return &space{entity: e, signer: signer, verifier: keys.NewVerifier(el), public: pub}
}

// sign signs payload as it is, whatever it holds.
func (s *space) sign(t testing.TB, payload []byte) []byte {
	t.Helper()
	sig, err := s.signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// signNotated signs payload with the notation NotationName=docType, the
// way Seal will once keys.Signer can add notations.
func (s *space) signNotated(t testing.TB, payload []byte, docType string) []byte {
	t.Helper()
	var buf bytes.Buffer
	cfg := &packet.Config{
		DefaultHash: crypto.SHA256,
		SignatureNotations: []*packet.Notation{
			{Name: NotationName, Value: []byte(docType), IsHumanReadable: true},
		},
	}
	if err := openpgp.ArmoredDetachSign(&buf, s.entity, bytes.NewReader(payload), cfg); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

// testDoc is a document as a package would define one.
type testDoc struct {
	Project string   `json:"project"`
	Version string   `json:"version"`
	Tags    []string `json:"tags"`
	Nested  struct {
		N int `json:"n"`
	} `json:"nested"`
}

func sampleDoc() testDoc {
	d := testDoc{Project: "acme-web", Version: "1.4.0", Tags: []string{"a", "b"}}
	d.Nested.N = 7
	return d
}

var v1 = Schema{Major: 1, Minor: 0}

// wantRefused checks that err is a *refusal.Error whose message
// mentions every one of parts.
func wantRefused(t testing.TB, err error, parts ...string) {
	t.Helper()
	var ve *refusal.Error
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *refusal.Error", err, err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

func wantErr(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}
