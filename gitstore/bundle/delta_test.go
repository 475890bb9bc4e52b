package bundle

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

func checkDelta(t *testing.T, base, target []byte) []byte {
	t.Helper()
	d := diffDelta(base, target)
	if len(base) == 0 {
		// go-git's PatchDelta refuses an empty base; packWriter never
		// makes a delta against one.
		return d
	}
	got, err := packfile.PatchDelta(base, d)
	if err != nil {
		t.Fatalf("PatchDelta of our delta (base %d bytes, target %d): %v", len(base), len(target), err)
	}
	if !bytes.Equal(got, target) {
		t.Fatalf("our delta does not rebuild the target (base %d bytes, target %d)", len(base), len(target))
	}
	return d
}

func TestDiffDelta(t *testing.T) {
	text := []byte(fileText(3, 0))
	edited := []byte(fileText(3, 4))
	big := bytes.Repeat([]byte("0123456789abcdef"), 10000)
	bigEdited := append(append(append([]byte{}, big[:70000]...), "inserted"...), big[70000:]...)
	for _, tc := range []struct {
		name         string
		base, target []byte
		max          int // 0: no bound
	}{
		{"empty both", nil, nil, 0},
		{"empty base", nil, text, 0},
		{"empty target", text, nil, 0},
		{"short base", []byte("short"), text, 0},
		{"same", text, text, 10},
		{"edited text", text, edited, 120},
		{"prefix removed", text, text[100:], 60},
		{"suffix added", text, append(append([]byte{}, text...), "more\n"...), 16},
		{"repetitive, long copies", big, bigEdited, 40},
		{"unrelated", []byte(strings.Repeat("x", 100)), []byte(strings.Repeat("y", 300)), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := checkDelta(t, tc.base, tc.target)
			if tc.max > 0 && len(d) > tc.max {
				t.Errorf("delta of %d bytes, want at most %d", len(d), tc.max)
			}
		})
	}
}

func FuzzDiffDelta(f *testing.F) {
	f.Add([]byte(fileText(1, 0)), []byte(fileText(1, 2)))
	f.Add([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdefX0123456789abcdef"))
	f.Add([]byte{}, []byte("x"))
	f.Fuzz(func(t *testing.T, base, target []byte) {
		checkDelta(t, base, target)
	})
}
