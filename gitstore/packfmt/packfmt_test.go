package packfmt

import (
	"bytes"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// The encodings git's pack-format documentation gives.
func TestEncodings(t *testing.T) {
	if got, want := Header(3), []byte("PACK\x00\x00\x00\x02\x00\x00\x00\x03"); !bytes.Equal(got, want) {
		t.Errorf("Header(3) = %q, want %q", got, want)
	}
	for _, tt := range []struct {
		typ  plumbing.ObjectType
		size int64
		want []byte
	}{
		{plumbing.CommitObject, 10, []byte{0x1a}},
		{plumbing.BlobObject, 0x123, []byte{0xb3, 0x12}},
		{plumbing.TreeObject, 1 << 32, []byte{0xa0, 0x80, 0x80, 0x80, 0x80, 0x01}},
	} {
		if got := EntryHeader(tt.typ, tt.size); !bytes.Equal(got, tt.want) {
			t.Errorf("EntryHeader(%s, %d) = %x, want %x", tt.typ, tt.size, got, tt.want)
		}
	}
	for _, tt := range []struct {
		distance int64
		want     []byte
	}{{1, []byte{0x01}}, {127, []byte{0x7f}}, {128, []byte{0x80, 0x00}}, {16511, []byte{0xff, 0x7f}}, {16512, []byte{0x80, 0x80, 0x00}}} {
		if got := OfsDeltaOffset(tt.distance); !bytes.Equal(got, tt.want) {
			t.Errorf("OfsDeltaOffset(%d) = %x, want %x", tt.distance, got, tt.want)
		}
	}
}
