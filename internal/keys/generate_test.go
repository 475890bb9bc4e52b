package keys

import (
	"crypto"
	"regexp"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

func TestGenerateOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts GenerateOptions
		want string // part of the error; "" for none
	}{
		{"name only", GenerateOptions{Name: "prod"}, ""},
		{"name and email", GenerateOptions{Name: "prod", Email: "ops@example.com"}, ""},
		{"name with spaces inside", GenerateOptions{Name: "Acme Prod"}, ""},
		{"empty name", GenerateOptions{}, "key name is empty"},
		{"blank name", GenerateOptions{Name: "  "}, "key name is empty"},
		{"padded name", GenerateOptions{Name: " prod"}, "leading or trailing spaces"},
		{"angle bracket", GenerateOptions{Name: "prod <x>"}, "contains one of"},
		{"parenthesis", GenerateOptions{Name: "prod (eu)"}, "contains one of"},
		{"newline", GenerateOptions{Name: "prod\nx"}, "control character"},
		{"email without at", GenerateOptions{Name: "prod", Email: "ops"}, `key e-mail "ops"`},
		{"email with two ats", GenerateOptions{Name: "prod", Email: "a@b@c"}, "not an address"},
		{"email with space", GenerateOptions{Name: "prod", Email: "a b@c"}, "not an address"},
		{"time before 1970", GenerateOptions{Name: "prod", Time: date(1969, 1, 1)}, "outside the OpenPGP range"},
		{"time after 2106", GenerateOptions{Name: "prod", Time: date(2107, 1, 1)}, "outside the OpenPGP range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.want == "" {
				wantErr(t, err)
				return
			}
			wantErr(t, err, tt.want)
			if _, err := Generate(tt.opts); err == nil {
				t.Error("Generate accepted options that Validate refuses")
			}
		})
	}
}

func TestGenerate(t *testing.T) {
	created := date(2024, 3, 1)
	tests := []struct {
		opts   GenerateOptions
		userID string
	}{
		{GenerateOptions{Name: "prod", Time: created}, "prod (zonectl space) <prod@zonectl.invalid>"},
		{GenerateOptions{Name: "Acme Prod", Time: created}, "Acme Prod (zonectl space) <acme-prod@zonectl.invalid>"},
		{GenerateOptions{Name: "prod", Email: "ops@acme.example", Time: created}, "prod (zonectl space) <ops@acme.example>"},
	}
	for _, tt := range tests {
		t.Run(tt.userID, func(t *testing.T) {
			e, err := Generate(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			pk := e.PrimaryKey
			if pk.Version != 4 {
				t.Errorf("primary key version %d; want 4", pk.Version)
			}
			if pk.PubKeyAlgo != packet.PubKeyAlgoEdDSA {
				t.Errorf("primary key algorithm %d; want %d (legacy EdDSA)", pk.PubKeyAlgo, packet.PubKeyAlgoEdDSA)
			}
			if curve, _ := pk.Curve(); curve != packet.Curve25519 {
				t.Errorf("primary key curve %q; want %q", curve, packet.Curve25519)
			}
			if !pk.CreationTime.Equal(created) {
				t.Errorf("created %s; want %s", pk.CreationTime, created)
			}
			if e.PrivateKey == nil || e.PrivateKey.Encrypted {
				t.Error("Generate returned no usable private key")
			}
			if len(e.Identities) != 1 || e.Identities[tt.userID] == nil {
				t.Fatalf("identities %v; want only %q", e.Identities, tt.userID)
			}
			self := e.Identities[tt.userID].SelfSignature
			if self.KeyLifetimeSecs != nil && *self.KeyLifetimeSecs != 0 {
				t.Errorf("key lifetime %d s; want no expiry", *self.KeyLifetimeSecs)
			}
			if !self.FlagsValid || !self.FlagSign || !self.FlagCertify {
				t.Error("primary key may not sign and certify")
			}
			if self.Hash != crypto.SHA256 {
				t.Errorf("self-signature hash %s; want SHA-256", self.Hash)
			}
			if len(self.PreferredHash) == 0 || self.PreferredHash[0] != 8 { // 8 = SHA-256
				t.Errorf("preferred hashes %v; want SHA-256 first", self.PreferredHash)
			}
			if len(self.PreferredSymmetric) == 0 || self.PreferredSymmetric[0] != uint8(packet.CipherAES256) {
				t.Errorf("preferred ciphers %v; want AES-256 first", self.PreferredSymmetric)
			}

			if len(e.Subkeys) != 1 {
				t.Fatalf("%d subkeys; want 1", len(e.Subkeys))
			}
			sub := e.Subkeys[0]
			if sub.PublicKey.PubKeyAlgo != packet.PubKeyAlgoECDH {
				t.Errorf("subkey algorithm %d; want %d (ECDH)", sub.PublicKey.PubKeyAlgo, packet.PubKeyAlgoECDH)
			}
			if curve, _ := sub.PublicKey.Curve(); curve != packet.Curve25519 {
				t.Errorf("subkey curve %q; want %q", curve, packet.Curve25519)
			}
			if !sub.Sig.FlagEncryptCommunications || !sub.Sig.FlagEncryptStorage || sub.Sig.FlagSign {
				t.Error("subkey is not an encryption-only key")
			}

			if fpr := Fingerprint(e); !regexp.MustCompile(`^[0-9A-F]{40}$`).MatchString(fpr) {
				t.Errorf("Fingerprint = %q; want 40 upper-case hex digits", fpr)
			}
		})
	}
}

func TestGenerateDefaultTime(t *testing.T) {
	before := time.Now().Add(-time.Second)
	e := mustGenerate(t, "prod", time.Time{})
	if c := e.PrimaryKey.CreationTime; c.Before(before) {
		t.Errorf("created %s; want about now", c)
	}
}

func TestGenerateFreshKeys(t *testing.T) {
	a := mustGenerate(t, "prod", date(2024, 3, 1))
	b := mustGenerate(t, "prod", date(2024, 3, 1))
	if Fingerprint(a) == Fingerprint(b) {
		t.Error("two keys with the same name and time have the same fingerprint")
	}
}
