package parts

import (
	"testing"
	"time"

	"github.com/zonectl/zonectl/internal/envelope"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// FuzzParseIndex feeds ParseIndex untrusted bytes: it must never panic,
// and an index it accepts must encode again to an index it accepts, with
// the same parts.
func FuzzParseIndex(f *testing.F) {
	sum := sha([]byte("x"))
	good := &Index{
		Source: zbundle.Peer{Space: "devtest", Fingerprint: "AA"}, Target: zbundle.Peer{Space: "prod", Fingerprint: "BB"},
		Project: "web", Version: "1.0.0", Revision: 1, Sequence: 1, Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		Bundle: Bundle{Name: "rel.zbundle", Size: MinSize + 1, SHA256: sum}, ManifestSHA256: sum, PartSize: MinSize,
		Parts: []Part{{1, "rel.zbundle.part001", MinSize, sum}, {2, "rel.zbundle.part002", 1, sum}},
	}
	data, err := envelope.Encode(good, envelope.TypeIndex, Schema)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"type": "zonectl.bundle.index", "schema": "1.0"}`))
	f.Add([]byte(`{"type": "zonectl.bundle.index", "schema": "2.0", "parts": []}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ParseIndex("rel.zbundle.index", data)
		if err != nil {
			return
		}
		again, err := envelope.Encode(x, envelope.TypeIndex, Schema)
		if err != nil {
			t.Fatalf("an accepted index does not encode: %v", err)
		}
		y, err := ParseIndex("rel.zbundle.index", again)
		if err != nil {
			t.Fatalf("an accepted index, encoded again, is refused: %v", err)
		}
		if len(y.Parts) != len(x.Parts) || y.Bundle != x.Bundle {
			t.Fatalf("round trip changed the index: %+v, then %+v", x, y)
		}
	})
}
