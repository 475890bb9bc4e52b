package receipt

import (
	"bytes"
	"errors"
	"testing"

	"github.com/zonectl/zonectl/internal/refusal"
)

// Whichever single byte of a receipt bundle is changed, tar headers,
// padding and end-of-archive marker included, Verify refuses it.
func TestVerifyRefusesAnyChangedByte(t *testing.T) {
	fx := newImportFixture(t)
	env := fx.env(t)
	if _, err := Verify(env, bytes.NewReader(fx.bundle), "r.zreceipts"); err != nil {
		t.Fatalf("the bundle as exported: %v", err)
	}
	flips := []byte{0x01, 0x20, 0xff}
	for i := range fx.bundle {
		changed := bytes.Clone(fx.bundle)
		changed[i] ^= flips[i%len(flips)]
		_, err := Verify(env, bytes.NewReader(changed), "r.zreceipts")
		var r *refusal.Error
		if !errors.As(err, &r) {
			t.Fatalf("byte %d xor %#x: Verify returned %v, not a refusal", i, flips[i%len(flips)], err)
		}
	}
}
